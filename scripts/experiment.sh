#!/usr/bin/env bash
# Reruns a row of the results tables by name (experiments/registry.toml): its train-sim stages in
# order, then the evaluations that produced its number. Any config name of configs/ or
# experiments/*/ runs too, as its train-sim stage after the runs it starts from.
# Usage: scripts/experiment.sh NAME [NAME ...] | --dry-run NAME [NAME ...] | --list
# (scripts/experiment.py --help says more.)
set -euo pipefail
cd "$(dirname "$0")/.."
exec "${PYTHON:-python3}" scripts/experiment.py "$@"
