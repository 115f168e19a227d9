#!/usr/bin/env bash
# Rebuilds checkpoints/place-camera and its numbers from scratch, in three train-sim stages:
#   place-camera            DAgger distillation of the bundled state-based checkpoints/place
#                           into a front + wrist camera student (≈ 66 min)
#   place-camera-light      the same student distilled further while each episode's light is
#                           scaled by 0.5…1.5 (environment.randomization.brightness; ≈ 30 min)
#   place-camera-light-sac  RL from pixels: SAC over the flow's start with an asymmetric critic
#                           (rl.sac.privilegedCritic), 140 iterations (≈ 30 min) → the bundle
# (configs/place-camera-sac.yaml is the same RL on the first student, a results row, not run here.)
# Then the bundle candidate through eval-sim (400 episodes, default randomization, seed 0),
# `run --sim` (40 episodes) and each visual shift of issue 28 §7 (200 episodes each, seed 2, the
# same episodes as the unshifted row). Logs: runs/place-camera*.log and runs/place-camera-*.txt.
# Usage: scripts/results-place-camera.sh
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product pirl-robot >/dev/null
scripts/train-run.sh place-camera
scripts/train-run.sh place-camera-light
scripts/train-run.sh place-camera-light-sac
student=runs/place-camera-light-sac/checkpoints/final
bin=.build/release/pirl-robot
$bin eval-sim --task place --checkpoint "$student" --episodes 400 --envs 8 --seed 0 | tee runs/place-camera-eval-400.txt
$bin run --sim --task place --checkpoint "$student" --episodes 40 --speed 4 --seed 1 | tee runs/place-camera-run-sim.txt | tail -4
shifts=("none:" "offset2cm:--camera-offset-cm 2" "tilt3deg:--camera-tilt-deg 3" "light05:--light-scale 0.5"
        "light15:--light-scale 1.5" "jpeg75:--jpeg-quality 75" "unseen-textures:--unseen-textures")
for entry in "${shifts[@]}"; do
  name="${entry%%:*}"; flags="${entry#*:}"
  # shellcheck disable=SC2086
  $bin eval-sim --task place --checkpoint "$student" --episodes 200 --envs 8 --seed 2 $flags \
    | tee "runs/place-camera-shift-$name.txt"
done
