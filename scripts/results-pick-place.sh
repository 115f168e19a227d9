#!/usr/bin/env bash
# Reproduces docs/experiments/pick-place.md's suite table: few-shot SFT first (the RL runs
# start from its checkpoint and anchor to its demos), then the RL cells and many-shot SFT,
# all trained on the train split; then every final checkpoint is evaluated on both splits
# (200 episodes each, eval-sim seed 0), written to runs/NAME.eval-{train,heldout}.txt.
# Usage: scripts/results-pick-place.sh [NAME ...]   (default: all, in order: the registry's
# pick-place-table row)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then
  exec scripts/experiment.sh pick-place-table   # the five cells and their evaluations (experiments/registry.toml)
fi
swift build -c release --product pirl-robot >/dev/null
for name in "$@"; do
  scripts/train-run.sh "$name"
  for split in train heldout; do
    .build/release/pirl-robot eval-sim --task pick-place --split "$split" --checkpoint "runs/$name/checkpoints/final" \
      --episodes 200 --envs 16 | tee "runs/$name.eval-$split.txt"
  done
done
