#!/usr/bin/env bash
# Rebuilds checkpoints/place-camera and its numbers from scratch, in three train-sim stages:
#   place-camera            DAgger distillation of the bundled state-based checkpoints/place
#                           into a front + wrist camera student (≈ 66 min)
#   place-camera-light      the same student distilled further while each episode's light is
#                           scaled by 0.5…1.5 (environment.randomization.brightness; ≈ 30 min)
#   place-camera-light-sac  RL from pixels: SAC over the flow's start with an asymmetric critic
#                           (rl.sac.privilegedCritic), 140 iterations (≈ 30 min) → the bundle
# (experiments/place-camera/place-camera-sac.yaml is the same RL on the first student, a results row, not run here.)
# Then the bundle candidate through eval-sim (400 episodes, default randomization, seed 0),
# `run --sim` (40 episodes) and each visual shift of issue 28 §7 (200 episodes each, seed 2, the
# same episodes as the unshifted row). Logs: runs/place-camera*.log and runs/place-camera-*.txt.
# Usage: scripts/results-place-camera.sh   (= scripts/experiment.sh checkpoint-place-camera)
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/experiment.sh checkpoint-place-camera   # the stages and evaluations above (experiments/registry.toml)
