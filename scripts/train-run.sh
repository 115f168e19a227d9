#!/usr/bin/env bash
# Runs one shipped config by name: `train-sim --config configs/NAME.yaml --out runs/NAME`, or
# experiments/TOPIC/NAME.yaml where the config is an experiment's record, its output to
# runs/NAME.log with the wall time, then prints the final evaluation. A finished run resumes as
# a no-op. Expects a release build. Usage: scripts/train-run.sh NAME
# (scripts/experiment.sh NAME reruns a whole results row: its stages in order and its evaluations.)
set -euo pipefail
cd "$(dirname "$0")/.."
name="$1"
config="configs/$name.yaml"
if [ ! -f "$config" ]; then
  matches=(experiments/*/"$name.yaml")
  [ -f "${matches[0]}" ] || { echo "train-run: no config named $name in configs/ or experiments/*/" >&2; exit 2; }
  config="${matches[0]}"
fi
mkdir -p runs
echo "== $name ($(date -u +%H:%M:%S))"
/usr/bin/time -f "$name wall %e s" .build/release/pirl-robot train-sim --config "$config" --out "runs/$name" \
  > "runs/$name.log" 2>&1 || { echo "$name failed: see runs/$name.log"; tail -3 "runs/$name.log"; exit 1; }
grep -E "eval final|wall" "runs/$name.log"
