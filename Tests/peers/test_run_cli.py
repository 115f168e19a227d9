"""`pirl-robot run` as a user types it: refusals before anything moves, a dry run, the simulated twin."""
import json
import os
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
BINARY = os.environ.get("PIRL_ROBOT", str(REPO_ROOT / ".build/debug/pirl-robot"))
CALIBRATION = str(REPO_ROOT / "calibration/so101_example.json")


def pirl(*args, check=True, timeout=120):
    result = subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"pirl-robot {' '.join(args)} exited {result.returncode}: {result.stderr}")
    return result


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    directory = tmp_path_factory.mktemp("ckpt")
    config = directory / "config.json"
    config.write_text(json.dumps({"io": {"cameras": [{"name": "front"}, {"name": "wrist"}]}}))
    pirl("policy", "init", "--config", str(config), "--out", str(directory / "policy"))
    return str(directory / "policy")


def fake_cameras(tmp_path):
    for name in ("front", "wrist"):
        (tmp_path / name).write_text("PIRL-FAKE-V4L2 1\nformats=MJPG,YUYV\nsizes=640x480\nfps=30\n")
    return [f"front={tmp_path / 'front'}", f"wrist={tmp_path / 'wrist'}"]


def test_hardware_run_needs_port_and_calibration(checkpoint):
    result = pirl("run", "--checkpoint", checkpoint, "--prompt", "reach", check=False)
    assert result.returncode != 0
    assert "give the arm's --port (or --sim for the simulated twin)" in result.stderr
    result = pirl("run", "--port", "/dev/null", "--checkpoint", checkpoint, "--prompt", "reach", check=False)
    assert "give the arm's --calibration file" in result.stderr


def test_missing_camera_is_refused_before_the_bus_is_opened(checkpoint, tmp_path):
    cams = fake_cameras(tmp_path)
    result = pirl("run", "--port", "/dev/ttyUSB-missing", "--calibration", CALIBRATION, "--camera", cams[0],
                  "--checkpoint", checkpoint, "--prompt", "reach", check=False)
    assert result.returncode != 0
    assert "the checkpoint expects cameras front, wrist but got front" in result.stderr


def test_calibration_of_another_arm_is_refused(checkpoint, tmp_path, virtual_bus):
    bus = virtual_bus("so101")
    cams = fake_cameras(tmp_path)
    result = pirl("run", "--port", bus.path, "--calibration", CALIBRATION, "--camera", cams[0], "--camera", cams[1],
                  "--checkpoint", checkpoint, "--prompt", "reach", "--dry-run", "--dry-run-log",
                  str(tmp_path / "dry.jsonl"), "--duration", "1", check=False)
    assert result.returncode != 0
    assert "the calibration file does not match the motors" in result.stderr


def test_sim_flags_exclude_hardware_flags(checkpoint):
    result = pirl("run", "--sim", "--port", "/dev/ttyUSB0", "--checkpoint", checkpoint, check=False)
    assert "--sim drives the simulated twin: leave out --port, --calibration and --camera" in result.stderr


def test_sim_run_finishes_an_episode_and_records_it(checkpoint, tmp_path):
    record = tmp_path / "rec"
    result = pirl("run", "--sim", "--task", "reach", "--checkpoint", checkpoint, "--episodes", "1", "--speed", "10",
                  "--record", str(record), "--no-realtime", timeout=600)
    assert "episodes 1, success" in result.stdout
    assert "stopped: 1 episode done" in result.stdout
    episode = record / "episode_000000"
    info = json.loads((episode / "episode.json").read_text())
    assert info["task"] == "reach" and info["length"] > 0
    import numpy as np
    assert np.load(episode / "state.npy").shape == (info["length"], 6)
    assert np.load(episode / "front.npy").shape == (info["length"], 64, 64, 3)
    assert np.all(np.diff(np.load(episode / "time.npy")) > 0)
