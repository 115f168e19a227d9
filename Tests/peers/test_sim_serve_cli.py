"""`pirl-robot sim serve`, checked from Python: the command line, a short served run
whose front camera is captured by `pirl-robot cameras snapshot` (libv4l2 and the fake
plugin's live mode, the path `run --camera` takes) and read back with Pillow, and
the episode results as JSON lines.

Needs the fake plugin (scripts/install-fake-camera.sh), MuJoCo/OSMesa and the binary
(PIRL_ROBOT, default .build/debug/pirl-robot).
"""
import json
import os
import re
import signal
import subprocess
from pathlib import Path

import pytest
from conftest import announced
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
BINARY = os.environ.get("PIRL_ROBOT", str(ROOT / ".build" / "debug" / "pirl-robot"))
PLUGIN = Path("/usr/lib/x86_64-linux-gnu/libv4l/plugins/libv4l-fake-pirl.so")
BANNER = re.compile(r"^sim serve: so101 twin, task (\S+), seed (\d+); cameras front=(\S+) wrist=(\S+); servo bus (.+)$")


def serve(*args):
    """Starts `sim serve ARGS`; returns the process and its banner's match."""
    return announced(["sim", "serve", *args], BANNER, "its cameras")


@pytest.mark.parametrize("args, message", [
    (["--task", "juggle"], "juggle"),
    (["--robot", "koch"], "the twin is an SO-101"),
    (["--episodes", "0"], "--episodes must be at least 1"),
    (["--camera-stall", "front@5"], "NAME@START+SECONDS"),
    (["--camera-unplug", "side@1+1"], "unknown camera 'side'"),
    (["--camera-latency-ms", "1000"], "--camera-latency-ms must be"),
    (["--calibration", "/nonexistent/calibration.json"], "--calibration /nonexistent/calibration.json"),
    (["--error-bits", "3=0x20"], "the servo bus faults need the bus: add --link PATH"),
    (["--link", "/tmp/x", "--error-bits", "3"], "--error-bits expects ID=BITS"),
    (["--linger", "2"], "--linger keeps the servo bus answering: add --link PATH"),
    (["--servo-model", "/nonexistent/arm.yaml"], "--servo-model /nonexistent/arm.yaml: cannot read it"),
    (["--camera-pose", "/nonexistent/pose.json"], "camera pose /nonexistent/pose.json: no such file"),
])
def test_bad_options_are_refused(tmp_path, args, message):
    result = subprocess.run([BINARY, "sim", "serve", "--cameras", str(tmp_path / "cams"), *args],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.parametrize("model, message", [
    ("arm: {kpp: 50}\n", "unknown key 'arm.kpp' (known: kp, damping, armature, friction, torque_limit)"),
    ("joints: {elbow: {kp: 50}}\n", "unknown joint 'joints.elbow'"),
    ("latency_ms: soon\n", "latency_ms must be a number ≥ 0, got soon"),
])
def test_a_bad_servo_model_is_refused_in_one_line(tmp_path, model, message):
    path = tmp_path / "arm.yaml"
    path.write_text(model)
    result = subprocess.run([BINARY, "sim", "serve", "--cameras", str(tmp_path / "cams"), "--servo-model", str(path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: --servo-model {path}: {message}"), result.stderr


def test_unwritable_cameras_folder(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = subprocess.run([BINARY, "sim", "serve", "--cameras", str(blocker), "--episodes", "1"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert f"cannot use {blocker} for the twin's cameras" in result.stderr


@pytest.mark.skipif(not PLUGIN.exists(), reason="run ./scripts/install-fake-camera.sh")
def test_served_episodes_and_a_captured_frame(tmp_path):
    cams, results = tmp_path / "cams", tmp_path / "results.jsonl"
    process, match = serve("--task", "place", "--cameras", str(cams), "--episodes", "2", "--episode-seconds", "2",
                           "--seed", "4", "--results", str(results))
    assert match.group(1) == "place" and match.group(2) == "4"
    front = match.group(3)
    assert front == str(cams / "front")
    snapshot = tmp_path / "front.png"
    shot = subprocess.run([BINARY, "cameras", "snapshot", "--device", front, "--out", str(snapshot)],
                          capture_output=True, text=True, timeout=60)
    assert shot.returncode == 0, shot.stderr
    assert "640x480 from MJPG" in shot.stdout
    image = Image.open(snapshot).convert("RGB")
    assert image.size == (640, 480)
    # A rendered scene, not a flat frame: the table, the plate and the cube differ.
    assert len(image.resize((32, 24)).getcolors(maxcolors=768)) > 20

    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert out.strip().splitlines()[-1].startswith("sim serve: 2 episodes, ")
    lines = results.read_text().splitlines()
    assert len(lines) == 2
    for index, line in enumerate(lines):
        record = json.loads(line)
        assert record["episode"] == index and record["task"] == "place" and record["seed"] == 4
        assert record["success"] is False and record["reason"] == "timeout" and record["failure"]
        assert abs(record["duration_s"] - 2.0) < 0.05
        assert record["setup"]["cubes"][0]["color"]["name"] in record["instruction"]
    # The cameras are gone with the twin.
    assert not (cams / "front").exists() and not (cams / "front.ring").exists()


def test_sigterm_stops_with_a_summary(tmp_path):
    process, _ = serve("--cameras", str(tmp_path / "cams"))
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert out.strip().splitlines()[-1].startswith("sim serve: 0 episodes finished")
