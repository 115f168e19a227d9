#!/usr/bin/env bash
# The twin in-process (`make demo-sim`): `pirl-robot run --sim` with the bundled state
# checkpoint for one episode of its task, ending with the run summary. No pty, no cameras:
# the control loop steps the twin itself.
set -euo pipefail
BIN=${1:-.build/release/pirl-robot}
CHECKPOINT=checkpoints/place
echo "\$ pirl-robot run --sim --task place --checkpoint $CHECKPOINT --episodes 1"
"$BIN" run --sim --task place --checkpoint "$CHECKPOINT" --episodes 1
