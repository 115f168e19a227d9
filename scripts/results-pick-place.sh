#!/usr/bin/env bash
# Reproduces docs/results.md's pick-and-place suite table: few-shot SFT first (the RL runs
# start from its checkpoint and anchor to its demos), then the RL cells and many-shot SFT,
# all trained on the train split; then every final checkpoint is evaluated on both splits
# (200 episodes each, eval-sim seed 0), written to runs/NAME.eval-{train,heldout}.txt.
# Usage: scripts/results-pick-place.sh [NAME ...]   (default: all, in order)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product pirl-robot >/dev/null
runs=("$@")
if [ ${#runs[@]} -eq 0 ]; then
  runs=(pick-place-sft-fewshot pick-place-ppo-flow-sde pick-place-grpo pick-place-ppo-flow-noise pick-place-sft-manyshot)
fi
for name in "${runs[@]}"; do
  scripts/train-run.sh "$name"
  for split in train heldout; do
    .build/release/pirl-robot eval-sim --task pick-place --split "$split" --checkpoint "runs/$name/checkpoints/final" \
      --episodes 200 --envs 16 | tee "runs/$name.eval-$split.txt"
  done
done
