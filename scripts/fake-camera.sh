#!/usr/bin/env bash
# Creates fake V4L2 cameras "front" and "wrist" in DIR: marker files that the
# fake libv4l2 plugin (Tests/fake-v4l2, installed by scripts/install-fake-camera.sh)
# serves as 640x480 MJPEG/YUYV cameras at 30 fps. For benchmarks and demos
# on machines without webcams.
set -euo pipefail
DIR=${1:?usage: scripts/fake-camera.sh DIR}
mkdir -p "$DIR"
for name in front wrist; do
  printf 'PIRL-FAKE-V4L2 1\nformats=MJPG,YUYV\nsizes=640x480\nfps=30\ntexture=1\n' > "$DIR/$name"
done
echo "fake cameras: $DIR/front $DIR/wrist"
