"""`pirl-robot cameras ...` against the fake V4L2 device, checked from Python.

The PNG written by `cameras snapshot` (libpng) is read back with Pillow, an
independent decoder, and compared with the fake's known pattern.
Needs the fake plugin (scripts/install-fake-camera.sh) and the binary
(PIRL_ROBOT, default .build/debug/pirl-robot).
"""
import os
import subprocess
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
BINARY = os.environ.get("PIRL_ROBOT", str(ROOT / ".build" / "debug" / "pirl-robot"))
PLUGIN = Path("/usr/lib/x86_64-linux-gnu/libv4l/plugins/libv4l-fake-pirl.so")
BARS = [(255, 255, 255), (255, 255, 0), (0, 255, 255), (0, 255, 0),
        (255, 0, 255), (255, 0, 0), (0, 0, 255), (0, 0, 0)]


def run(*args, check=True):
    result = subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=60)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def marker(tmp_path, *settings, name="video0"):
    path = tmp_path / name
    path.write_text("\n".join(["PIRL-FAKE-V4L2 1", *settings]) + "\n")
    return str(path)


def test_plugin_installed():
    assert PLUGIN.exists(), "run ./scripts/install-fake-camera.sh"


def test_list_shows_modes(tmp_path):
    device = marker(tmp_path, "formats=MJPG,YUYV", "sizes=640x480,320x240", "fps=30,15", "card=Bench Cam")
    out = run("cameras", "list", "--device", device).stdout
    assert f"{device}  Bench Cam (pirl-fake, platform:pirl-fake)" in out
    assert "  MJPG 640x480 @ 30, 15 fps" in out
    assert "  YUYV 320x240 @ 30, 15 fps" in out


def test_list_says_clearly_when_there_is_none(tmp_path):
    empty = tmp_path / "not-a-camera"
    empty.write_text("")
    out = run("cameras", "list", "--device", str(empty)).stdout
    assert out.startswith("No V4L2 capture devices found")
    assert "'video' group" in out


@pytest.mark.parametrize("fmt", ["mjpeg", "yuyv"])
def test_snapshot_png_has_the_pattern(tmp_path, fmt):
    device = marker(tmp_path, "formats=MJPG,YUYV", "sizes=320x240", "fps=60")
    png = tmp_path / "frame.png"
    out = run("cameras", "snapshot", "--device", device, "--width", "320", "--height", "240",
              "--format", fmt, "--skip", "2", "--out", str(png)).stdout
    assert out.startswith(f"wrote {png}: 320x240 from {'MJPG' if fmt == 'mjpeg' else 'YUYV'}")
    sequence = int(out.split("sequence ")[1].split(",")[0])
    image = Image.open(png)
    assert image.size == (320, 240) and image.mode == "RGB"
    for bar, colour in enumerate(BARS):
        pixel = image.getpixel((bar * 40 + 20, 120))
        assert all(abs(a - b) <= 8 for a, b in zip(pixel, colour)), (bar, pixel, colour)
    grey = (sequence % 16) * 16 + 8
    assert all(abs(c - grey) <= 8 for c in image.getpixel((10, 10)))


def test_snapshot_in_conversion_mode(tmp_path):
    device = marker(tmp_path, "formats=MJPG", "sizes=320x240")
    png = tmp_path / "converted.png"
    out = run("cameras", "snapshot", "--device", device, "--width", "320", "--height", "240",
              "--convert", "--skip", "0", "--out", str(png)).stdout
    assert "from RGB3" in out
    image = Image.open(png)
    for bar, colour in enumerate(BARS):
        pixel = image.getpixel((bar * 40 + 20, 200))
        assert all(abs(a - b) <= 8 for a, b in zip(pixel, colour)), (bar, pixel, colour)


def test_probe_reports_rate_age_and_drops(tmp_path):
    device = marker(tmp_path, "formats=YUYV", "sizes=320x240", "fps=50", "drop_every=5")
    out = run("cameras", "probe", "--device", device, "--width", "320", "--height", "240",
              "--fps", "50", "--seconds", "1").stdout
    fields = dict(line.split(":", 1) for line in out.splitlines() if line.count(":") == 1)
    fps = float(fields["measured fps"])
    assert 35 <= fps <= 42, out  # 50 fps with every fifth frame lost: 40 delivered per second
    assert float(fields["frame age p50"].split()[0]) < 20
    assert int(fields["dropped (gaps)"]) >= 8


def test_probe_error_names_device_and_fix(tmp_path):
    device = marker(tmp_path, "formats=YUYV", "fail=STREAMON:ENOSPC")
    result = run("cameras", "probe", "--device", device, "--format", "yuyv", "--seconds", "1", check=False)
    assert result.returncode != 0
    assert f"camera {device} cannot stream YUYV 640x480: not enough USB bandwidth" in result.stderr
    assert "Fix:" in result.stderr


def test_help_texts():
    assert "List V4L2 cameras, save a snapshot" in run("cameras", "--help").stdout
    assert "--seconds" in run("cameras", "probe", "--help").stdout
    assert "--out" in run("cameras", "snapshot", "--help").stdout
