#!/usr/bin/env bash
# Builds the fake V4L2 camera (a libv4l2 plugin, Tests/fake-v4l2/) and installs
# it into libv4l2's plugin directory, where v4l2_fd_open() loads every "*.so".
# The plugin claims only marker files the tests create, so real cameras are
# unaffected. The name sorts before Debian's libv4l-mplane.so so markers are
# claimed before that plugin probes them. Idempotent: rebuilds and reinstalls
# only when the source changed.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SRC="$ROOT/Tests/fake-v4l2/pirl_fake_v4l2.c"
# The frame ring's layout (live mode), shared with the Swift side (target CFrameRing).
RING_INCLUDE="$ROOT/Sources/CFrameRing/include"
MULTIARCH="$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)"
# libv4l2 looks only in its compiled-in LIBV4L2_PLUGIN_DIR, on Debian this one.
PLUGIN_DIR="/usr/lib/$MULTIARCH/libv4l/plugins"
TARGET="$PLUGIN_DIR/libv4l-fake-pirl.so"
# FAKE_V4L2_BUILD_DIR: where to compile (default .build/fake-v4l2), e.g. a scratch build folder.
BUILD_DIR="${FAKE_V4L2_BUILD_DIR:-$ROOT/.build/fake-v4l2}"
OUT="$BUILD_DIR/libv4l-fake-pirl.so"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

mkdir -p "$BUILD_DIR"
if [ ! -f "$OUT" ] || [ "$SRC" -nt "$OUT" ] || [ "$RING_INCLUDE/pirl_frame_ring.h" -nt "$OUT" ]; then
  gcc -std=gnu11 -O2 -Wall -Wextra -Werror -fPIC -shared -fvisibility=hidden -I "$RING_INCLUDE" \
    -o "$OUT" "$SRC" -lturbojpeg -lpthread
fi
if ! cmp -s "$OUT" "$TARGET"; then
  echo "install-fake-camera: installing $TARGET"
  $SUDO mkdir -p "$PLUGIN_DIR"
  $SUDO install -m 0644 "$OUT" "$TARGET"
fi
