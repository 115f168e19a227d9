#!/usr/bin/env bash
# The main job (`make demo`): the bundled camera policy drives the MuJoCo twin through the
# code path that drives a real arm. `sim serve` puts the twin behind a pty speaking Feetech
# and two live V4L2 cameras (the fake libv4l2 plugin, installed by `make deps`) and writes
# each episode's instruction to a prompt file; the unchanged `run` opens that port and those
# cameras, reads the prompt file, and drives the arm until the twin has finished its
# episodes. Prints run's summary, the twin's episodes and its summary; everything it started
# is stopped and its temporary folder removed on every way out (the EXIT trap).
#
# Usage: scripts/demo.sh [BINARY]   (default .build/release/pirl-robot)
# DEMO_EPISODES (3), DEMO_SEED (1), DEMO_DURATION (45: run's own limit in seconds).
set -euo pipefail
BIN=${1:-.build/release/pirl-robot}
EPISODES=${DEMO_EPISODES:-3}
SEED=${DEMO_SEED:-1}
DURATION=${DEMO_DURATION:-45}
CHECKPOINT=checkpoints/place-camera
CALIBRATION=calibration/twin_so101.json
cd "$(dirname "$0")/.."

MULTIARCH="$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)"
if [ ! -f "/usr/lib/$MULTIARCH/libv4l/plugins/libv4l-fake-pirl.so" ]; then
  echo "demo: the twin's cameras need the fake V4L2 plugin: run ./scripts/install-fake-camera.sh (make deps does)" >&2
  exit 1
fi
[ -x "$BIN" ] || { echo "demo: no binary at $BIN: build it with \`swift build -c release\` (make demo does)" >&2; exit 1; }

DIR=$(mktemp -d /tmp/pirl-demo.XXXXXX)
LINK=$DIR/so101 CAMS=$DIR/cams PROMPT=$DIR/prompt.txt RESULTS=$DIR/results.jsonl
SERVE_PID="" RUN_PID=""
cleanup() {
  # run first (hold, torque off on a live bus), then the twin; then the files.
  if [ -n "$RUN_PID" ] && kill -0 "$RUN_PID" 2>/dev/null; then kill -INT "$RUN_PID" 2>/dev/null || true; fi
  [ -z "$RUN_PID" ] || wait "$RUN_PID" 2>/dev/null || true
  if [ -n "$SERVE_PID" ] && kill -0 "$SERVE_PID" 2>/dev/null; then kill -TERM "$SERVE_PID" 2>/dev/null || true; fi
  [ -z "$SERVE_PID" ] || wait "$SERVE_PID" 2>/dev/null || true
  rm -rf "$DIR"
}
trap cleanup EXIT
trap 'echo; echo "demo: interrupted"; exit 130' INT TERM

# Shows the lines of file $1 not shown yet; $2 names the variable counting those shown.
shown_serve=0 shown_run=0
show_new() {
  local file=$1 total
  total=$(wc -l <"$file" 2>/dev/null || echo 0)
  if [ "$total" -gt "${!2}" ]; then sed -n "$((${!2} + 1)),${total}p" "$file" | sed '/^$/d; s/^/  /'; fi
  printf -v "$2" '%s' "$total"
}

echo "\$ pirl-robot sim serve --task place --episodes $EPISODES --seed $SEED --link $LINK --cameras $CAMS --prompt-file $PROMPT --results $RESULTS --linger 5"
"$BIN" sim serve --robot so101 --task place --episodes "$EPISODES" --seed "$SEED" --link "$LINK" --cameras "$CAMS" \
  --prompt-file "$PROMPT" --results "$RESULTS" --linger 5 >"$DIR/serve.out" 2>"$DIR/serve.err" &
SERVE_PID=$!
for _ in $(seq 300); do
  [ -s "$DIR/serve.out" ] && break
  kill -0 "$SERVE_PID" 2>/dev/null || break
  sleep 0.1
done
if [ ! -s "$DIR/serve.out" ]; then
  echo "demo: sim serve did not start:" >&2; cat "$DIR/serve.err" >&2; exit 1
fi
sed 's/^/  /' "$DIR/serve.out"

echo "\$ pirl-robot run --robot so101 --port $LINK --calibration $CALIBRATION --camera front=$CAMS/front --camera wrist=$CAMS/wrist --checkpoint $CHECKPOINT --prompt-file $PROMPT --duration $DURATION"
"$BIN" run --robot so101 --port "$LINK" --calibration "$CALIBRATION" --camera "front=$CAMS/front" \
  --camera "wrist=$CAMS/wrist" --checkpoint "$CHECKPOINT" --prompt-file "$PROMPT" --duration "$DURATION" \
  >"$DIR/run.out" 2>"$DIR/run.err" &
RUN_PID=$!

# Until the twin has finished its episodes, or run or the twin stops by itself.
while kill -0 "$RUN_PID" 2>/dev/null && kill -0 "$SERVE_PID" 2>/dev/null; do
  show_new "$DIR/serve.err" shown_serve
  show_new "$DIR/run.err" shown_run
  [ "$(wc -l <"$RESULTS" 2>/dev/null || echo 0)" -ge "$EPISODES" ] && break
  sleep 0.2
done
# run holds, turns torque off and prints its summary; the twin, its episodes done, lingers
# until run has gone quiet, then ends with its own.
if kill -0 "$RUN_PID" 2>/dev/null; then kill -INT "$RUN_PID"; fi
set +e
wait "$RUN_PID"; run_status=$?
RUN_PID=""
for _ in $(seq 100); do kill -0 "$SERVE_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$SERVE_PID" 2>/dev/null && kill -TERM "$SERVE_PID"
wait "$SERVE_PID"; serve_status=$?
SERVE_PID=""
show_new "$DIR/serve.err" shown_serve
show_new "$DIR/run.err" shown_run
set -e

echo
echo "run's summary:"
grep -v ' s · tick [0-9]* · ' "$DIR/run.out" | sed 's/^/  /'
echo
echo "the twin's episodes ($RESULTS):"
python3 - "$RESULTS" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    why = e["reason"] + (f' ({e["failure"]})' if "failure" in e else "")
    print(f'  episode {e["episode"]}: {why} after {e["duration_s"]:.1f} s, "{e["instruction"]}"')
PY
echo "the twin's summary:"
tail -n 1 "$DIR/serve.out" | sed 's/^/  /'
[ "$run_status" -eq 0 ] && [ "$serve_status" -eq 0 ] || { echo "demo: run exited $run_status, sim serve $serve_status" >&2; exit 1; }
