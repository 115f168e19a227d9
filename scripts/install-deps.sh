#!/usr/bin/env bash
# Installs what building and testing pirl-robot needs on a fresh Debian machine:
# C libraries from apt, protocol peers and reference readers from PyPI.
# Idempotent and quick when everything is already there.
set -euo pipefail

APT_PACKAGES=(
  pkg-config
  libserialport-dev   # RobotIO: USB-serial adapters
  libv4l-dev          # Camera: libv4l2 / libv4lconvert and libv4l-plugin.h (fake camera)
  libturbojpeg0-dev   # Camera: MJPEG decode (TurboJPEG API)
  libpng-dev          # Camera: PNG snapshots
  gcc                 # Camera: builds the fake V4L2 plugin
  libopenblas-dev     # Policy: cblas_sgemm through the CBLAS module
  libmujoco-dev       # SimTrainer: MuJoCo 2.2.2 physics and renderer
  libosmesa6-dev      # SimTrainer: off-screen OpenGL for MuJoCo renders
)
PIP_PACKAGES=(
  pytest
  pyserial
  dynamixel-sdk        # Dynamixel Protocol 2.0 peer (PacketHandler, GroupSyncRead/Write)
  feetech-servo-sdk    # Feetech SCS/STS peer (scservo_sdk)
  Pillow               # Camera: reference resize-with-pad values (openpi uses PIL)
  numpy                # Camera reference tensors; Policy NumPy reference forward pass
  safetensors          # Policy: independent safetensors reader/writer peer
  tensorboard          # Training: TensorBoard's own event-file reader
)
PIP_MODULES=(pytest serial dynamixel_sdk scservo_sdk PIL numpy safetensors tensorboard)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
need_pip=0
for m in "${PIP_MODULES[@]}"; do
  "$PYTHON" -c "import $m" >/dev/null 2>&1 || need_pip=1
done
if [ $need_pip -eq 1 ]; then
  echo "install-deps: pip install ${PIP_PACKAGES[*]}"
  "$PYTHON" -m pip install -q --disable-pip-version-check --root-user-action=ignore "${PIP_PACKAGES[@]}"
fi

# The fake V4L2 camera the Camera tests capture from (a libv4l2 plugin).
"$(dirname "$0")/install-fake-camera.sh"
