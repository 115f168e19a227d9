#!/usr/bin/env bash
# The main job on the embedded default: `pirl-robot run --sim` with the bundled
# checkpoint for one episode of its task, ending with the run summary.
set -euo pipefail
BIN=${1:-.build/release/pirl-robot}
CHECKPOINT=checkpoints/place
echo "\$ pirl-robot run --sim --task place --checkpoint $CHECKPOINT --episodes 1"
"$BIN" run --sim --task place --checkpoint "$CHECKPOINT" --episodes 1
