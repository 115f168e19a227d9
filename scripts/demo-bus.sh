#!/usr/bin/env bash
# The embedded default job, until the simulated twin lands: start a virtual
# SO-101 bus on a pseudo-terminal and drive it through pirl-robot the way a
# user drives a real arm — scan, torque on, move, read back, torque off.
set -euo pipefail
BIN=${1:-.build/release/pirl-robot}
LINK=$(mktemp -u /tmp/pirl-demo-bus.XXXXXX)
LOG=$(mktemp /tmp/pirl-demo-bus-log.XXXXXX)

"$BIN" virtual-bus --robot so101 --link "$LINK" >"$LOG" 2>&1 &
BUS_PID=$!
trap 'kill -INT $BUS_PID 2>/dev/null; wait $BUS_PID 2>/dev/null; rm -f "$LOG"' EXIT
for _ in $(seq 100); do [ -e "$LINK" ] && break; sleep 0.05; done
[ -e "$LINK" ] || { echo "demo: the virtual bus did not start:"; cat "$LOG"; exit 1; }
head -n 1 "$LOG"

step() { echo; echo "\$ pirl-robot $*"; "$BIN" "$@"; }
step motors scan --robot so101 --port "$LINK"
step motors torque on --robot so101 --port "$LINK"
step motors write --robot so101 --port "$LINK" 1 Goal_Position 2600
step motors write --robot so101 --port "$LINK" 3 Goal_Position 1500
sleep 1
step motors read --robot so101 --port "$LINK" --register Present_Position
step motors torque off --robot so101 --port "$LINK"
