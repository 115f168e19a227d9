#!/usr/bin/env bash
# Reproduces docs/experiments/place.md's table and the ablations: few-shot SFT first (the RL
# runs start from its checkpoint), then the RL cells, many-shot SFT, the ablations and the
# H_exec = 10 runs (the last one trains the bundled checkpoints/place).
# Each run's log goes to runs/NAME.log; runs already finished are resumed (no-ops).
# Usage: scripts/results-place.sh [NAME ...]   (default: all, in order: the registry's place-table
# row, `scripts/experiment.sh --dry-run place-table` lists them)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then
  exec scripts/experiment.sh place-table   # the whole chain, from experiments/registry.toml
fi
swift build -c release --product pirl-robot >/dev/null
for name in "$@"; do
  scripts/train-run.sh "$name"
done
