#!/usr/bin/env bash
# Reproduces docs/results.md's place table and ablations: few-shot SFT first (the RL
# runs start from its checkpoint), then the RL cells, many-shot SFT and the ablations.
# Each run's log goes to runs/NAME.log; runs already finished are resumed (no-ops).
# Usage: scripts/results-place.sh [NAME ...]   (default: all, in order)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product pirl-robot >/dev/null
runs=("$@")
if [ ${#runs[@]} -eq 0 ]; then
  runs=(place-sft-fewshot place-ppo-flow-sde place-ppo-flow-noise place-grpo place-sft-manyshot
        place-ablation-base place-ablation-k2 place-ablation-k8 place-ablation-hexec1 place-ablation-hexec10
        place-ablation-noise02 place-ablation-noise10 place-ppo-flow-sde-hexec10)
fi
mkdir -p runs
for name in "${runs[@]}"; do
  echo "== $name ($(date -u +%H:%M:%S))"
  /usr/bin/time -f "$name wall %e s" .build/release/pirl-robot train-sim --config "configs/$name.yaml" --out "runs/$name" \
    > "runs/$name.log" 2>&1 || { echo "$name failed: see runs/$name.log"; tail -3 "runs/$name.log"; exit 1; }
  grep -E "eval final|wall" "runs/$name.log"
done
