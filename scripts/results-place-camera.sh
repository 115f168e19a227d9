#!/usr/bin/env bash
# Rebuilds checkpoints/place-camera's numbers from scratch: DAgger distillation of the bundled
# state-based checkpoints/place into a two-camera student (configs/place-camera.yaml, whose final
# evaluation is 400 episodes on evaluation seeds), then the same student through `run --sim`
# (40 episodes) and under each visual shift of issue 28 §7 (200 episodes each, the same episodes
# as the unshifted evaluation). Logs: runs/place-camera.log and runs/place-camera-*.txt.
# Usage: scripts/results-place-camera.sh
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product pirl-robot >/dev/null
scripts/train-run.sh place-camera
student=runs/place-camera/checkpoints/final
bin=.build/release/pirl-robot
$bin run --sim --task place --checkpoint "$student" --episodes 40 --speed 4 --seed 1 | tee runs/place-camera-run-sim.txt | tail -4
shifts=("none:" "offset2cm:--camera-offset-cm 2" "tilt3deg:--camera-tilt-deg 3" "light05:--light-scale 0.5"
        "light15:--light-scale 1.5" "jpeg75:--jpeg-quality 75")
for entry in "${shifts[@]}"; do
  name="${entry%%:*}"; flags="${entry#*:}"
  # shellcheck disable=SC2086
  $bin eval-sim --task place --checkpoint "$student" --episodes 200 --envs 8 --seed 2 $flags \
    | tee "runs/place-camera-shift-$name.txt"
done
