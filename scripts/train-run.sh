#!/usr/bin/env bash
# Runs one shipped config: `train-sim --config configs/NAME.yaml --out runs/NAME`, its output to
# runs/NAME.log with the wall time, then prints the final evaluation. A finished run resumes as
# a no-op. Expects a release build. Usage: scripts/train-run.sh NAME
set -euo pipefail
cd "$(dirname "$0")/.."
name="$1"
mkdir -p runs
echo "== $name ($(date -u +%H:%M:%S))"
/usr/bin/time -f "$name wall %e s" .build/release/pirl-robot train-sim --config "configs/$name.yaml" --out "runs/$name" \
  > "runs/$name.log" 2>&1 || { echo "$name failed: see runs/$name.log"; tail -3 "runs/$name.log"; exit 1; }
grep -E "eval final|wall" "runs/$name.log"
