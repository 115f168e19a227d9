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
    assert np.load(episode / "object_state.npy").shape == (info["length"], 8)
    assert np.all(np.diff(np.load(episode / "time.npy")) > 0)


def test_step_limits_must_be_positive(checkpoint):
    for flag in ("--max-step-rad", "--max-gripper-step"):
        result = pirl("run", "--sim", "--checkpoint", checkpoint, flag, "0", check=False)
        assert result.returncode != 0
        assert f"{flag} must be positive" in result.stderr


def test_sim_ramp_is_counted_in_simulated_time(checkpoint, tmp_path):
    # At --speed 10 the loop ticks 300 times a wall-clock second, but the twin still moves 30
    # ticks a simulated second: a 0.5 s ramp is 15 ticks, not 150 (which once stretched the
    # start-up ramp over most of a `place` episode at --speed 4).
    log = tmp_path / "dry.jsonl"
    pirl("run", "--sim", "--task", "reach", "--checkpoint", checkpoint, "--dry-run", "--dry-run-log", str(log),
         "--duration", "1", "--speed", "10", "--ramp-s", "0.5", "--no-realtime", timeout=600)
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert len(lines) > 100
    ramping = [line["tick"] for line in lines if "ramp" in line["flags"]]
    assert len(ramping) == 15, ramping
    # Consecutive, up to a tick or two the loop skips when a loaded machine makes it overrun.
    assert ramping == sorted(ramping) and ramping[-1] - ramping[0] <= 16, ramping


def calibrated_bus(virtual_bus):
    """A virtual SO-101 started calibrated as calibration/so101_example.json, resting mid-range."""
    return virtual_bus("so101", "--calibration", CALIBRATION)


def test_virtual_bus_started_calibrated_is_accepted_by_run_at_once(checkpoint, tmp_path, virtual_bus):
    # No Homing_Offset writes and no joint moves first: `run` checks the offsets against the
    # file and the pose against its ranges, and starts.
    bus = calibrated_bus(virtual_bus)
    offsets = json.loads(pirl("motors", "read", "--robot", "so101", "--port", bus.path, "--register", "Homing_Offset",
                              "--json").stdout)
    calibration = json.loads(Path(CALIBRATION).read_text())
    assert [row["value"] for row in offsets] == [joint["homing_offset"] for joint in calibration.values()]
    cams = fake_cameras(tmp_path)
    log = tmp_path / "dry.jsonl"
    result = pirl("run", "--port", bus.path, "--calibration", CALIBRATION, "--camera", cams[0], "--camera", cams[1],
                  "--checkpoint", checkpoint, "--prompt", "reach", "--dry-run", "--dry-run-log", str(log),
                  "--duration", "1", "--no-realtime")
    assert "nothing was written to the motors" in result.stdout
    first = json.loads(log.read_text().splitlines()[0])
    middles = [(joint["range_min"] + joint["range_max"]) // 2 for joint in calibration.values()]
    assert all(abs(tick - middle) <= 60 for tick, middle in zip(first["ticks"], middles)), first


def test_virtual_bus_refuses_a_bad_calibration_in_one_line(tmp_path):
    reversed_pan = tmp_path / "drive-mode-2.json"
    reversed_pan.write_text(Path(CALIBRATION).read_text().replace('"drive_mode": 0', '"drive_mode": 2', 1))
    cases = ((str(reversed_pan), "is not a valid SO-101 follower calibration"),
             (str(tmp_path / "missing.json"), "no such file"))
    for file, reason in cases:
        result = subprocess.run([BINARY, "virtual-bus", "--robot", "so101", "--calibration", file],
                                capture_output=True, text=True, timeout=30)
        assert result.returncode != 0
        assert result.stdout == "", "the bus must not announce a pty it will not serve"
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and reason in lines[0] and file in lines[0], result.stderr


def test_live_run_stops_on_sigint_with_torque_off_and_records(checkpoint, tmp_path, virtual_bus):
    import signal
    import time
    bus = calibrated_bus(virtual_bus)
    cams = fake_cameras(tmp_path)
    record = tmp_path / "rec"
    run = subprocess.Popen([BINARY, "run", "--port", bus.path, "--calibration", CALIBRATION, "--camera", cams[0],
                            "--camera", cams[1], "--checkpoint", checkpoint, "--prompt", "reach the target",
                            "--record", str(record), "--no-realtime"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(3)
    run.send_signal(signal.SIGINT)
    out, err = run.communicate(timeout=30)
    assert run.returncode == 0, err
    assert "stopping — holding, then torque off" in err
    assert "stopped: stop requested" in out
    assert "inference ms: p50" in out and "chunk age at use ms" in out
    torque = json.loads(pirl("motors", "read", "--robot", "so101", "--port", bus.path, "--register", "Torque_Enable",
                             "--json").stdout)
    assert [row["value"] for row in torque] == [0] * 6
    import numpy as np
    episode = record / "episode_000000"
    info = json.loads((episode / "episode.json").read_text())
    assert info["instruction"] == "reach the target" and info["length"] > 30
    assert np.load(episode / "front.npy").shape == (info["length"], 64, 64, 3)
    actions = np.load(episode / "action.npy")
    assert actions.shape == (info["length"], 6) and np.all(np.isfinite(actions))
    assert not (episode / "object_state.npy").exists(), "a real arm has no object features"


def test_dry_run_writes_no_packet_and_logs_every_tick(checkpoint, tmp_path, virtual_bus):
    bus = calibrated_bus(virtual_bus)
    cams = fake_cameras(tmp_path)
    log = tmp_path / "dry.jsonl"
    goals_before = json.loads(pirl("motors", "read", "--robot", "so101", "--port", bus.path, "--register",
                                   "Goal_Position", "--json").stdout)
    result = pirl("run", "--port", bus.path, "--calibration", CALIBRATION, "--camera", cams[0], "--camera", cams[1],
                  "--checkpoint", checkpoint, "--prompt", "reach", "--dry-run", "--dry-run-log", str(log),
                  "--duration", "2", "--no-realtime")
    assert "nothing was written to the motors" in result.stdout
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert len(lines) >= 55
    assert all(len(line["target"]) == 6 and len(line["ticks"]) == 6 for line in lines)
    goals_after = json.loads(pirl("motors", "read", "--robot", "so101", "--port", bus.path, "--register",
                                  "Goal_Position", "--json").stdout)
    assert goals_after == goals_before
    torque = json.loads(pirl("motors", "read", "--robot", "so101", "--port", bus.path, "--register", "Torque_Enable",
                             "--json").stdout)
    assert [row["value"] for row in torque] == [0] * 6


def test_bundled_camera_policy_starts_on_the_arm_in_a_dry_run(tmp_path, virtual_bus):
    # checkpoints/place-camera reads the front and wrist cameras and the joints only (no object
    # state), so `run` on hardware accepts it: cameras opened, policy run, every tick logged.
    placed = str(REPO_ROOT / "checkpoints" / "place-camera")
    bus = calibrated_bus(virtual_bus)
    cams = fake_cameras(tmp_path)
    log = tmp_path / "dry.jsonl"
    result = pirl("run", "--port", bus.path, "--calibration", CALIBRATION, "--camera", cams[0], "--camera", cams[1],
                  "--checkpoint", placed, "--prompt", "place the red block onto the green plate", "--dry-run",
                  "--dry-run-log", str(log), "--duration", "2", "--no-realtime")
    assert "nothing was written to the motors" in result.stdout
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert len(lines) >= 55 and all(len(line["target"]) == 6 for line in lines)
