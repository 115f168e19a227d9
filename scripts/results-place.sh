#!/usr/bin/env bash
# Reproduces docs/results.md's place table and ablations: few-shot SFT first (the RL
# runs start from its checkpoint), then the RL cells, many-shot SFT, the ablations and the
# H_exec = 10 runs (the last one trains the bundled checkpoints/place).
# Each run's log goes to runs/NAME.log; runs already finished are resumed (no-ops).
# Usage: scripts/results-place.sh [NAME ...]   (default: all, in order)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product pirl-robot >/dev/null
runs=("$@")
if [ ${#runs[@]} -eq 0 ]; then
  runs=(place-sft-fewshot place-ppo-flow-sde place-ppo-flow-noise place-grpo place-sft-manyshot
        place-ablation-base place-ablation-k2 place-ablation-k8 place-ablation-hexec1 place-ablation-hexec10
        place-ablation-noise02 place-ablation-noise10 place-ppo-flow-sde-hexec10 place-ppo-flow-sde-hexec1
        place-h10-sft-fewshot place-h10-ppo-flow-sde place-h10-ppo-flow-sde-256envs place-h10-ppo-flow-sde-noise02
        place-h10-sft-manyshot
        place-ppo-flow-sde-manyshot)
fi
for name in "${runs[@]}"; do
  scripts/train-run.sh "$name"
done
