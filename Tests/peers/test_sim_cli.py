"""`pirl-robot sim demos / snapshot` and `eval-sim`, checked from Python.

Demonstrations written by Swift are read with numpy alone (np.load on each
.npy, json for the metadata), as a training script in Python would; the
snapshot PNG is decoded with Pillow. Needs the binary (PIRL_ROBOT, default
.build/debug/pirl-robot) and MuJoCo/OSMesa (scripts/install-deps.sh).
"""
import json
import os
import subprocess
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
BINARY = os.environ.get("PIRL_ROBOT", str(ROOT / ".build" / "debug" / "pirl-robot"))
JOINTS = ["shoulder_pan", "shoulder_lift", "elbow_flex", "wrist_flex", "wrist_roll", "gripper"]


def run(*args):
    result = subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_demos_read_with_numpy(tmp_path):
    out = tmp_path / "demos"
    run("sim", "demos", "--task", "place", "--episodes", "3", "--size", "32", "--out", str(out), "--seed", "5")
    dataset = json.loads((out / "dataset.json").read_text())
    assert dataset["format"] == "pirl-robot-demos/1"
    assert dataset["episodes"] == 3 and len(dataset["episode_directories"]) == 3
    for name in dataset["episode_directories"]:
        episode = out / name
        meta = json.loads((episode / "episode.json").read_text())
        t = meta["length"]
        front = np.load(episode / "front.npy")
        wrist = np.load(episode / "wrist.npy")
        state = np.load(episode / "state.npy")
        action = np.load(episode / "action.npy")
        reward = np.load(episode / "reward.npy")
        assert front.dtype == np.uint8 and front.shape == (t, 32, 32, 3)
        assert wrist.shape == (t, 32, 32, 3)
        assert state.dtype == np.float32 and state.shape == (t, 6)
        assert action.shape == (t, 6) and reward.shape == (t,)
        assert meta["joint_names"] == JOINTS
        assert meta["setup"]["cubes"][0]["color"]["name"] in meta["instruction"]
        # Joint units: radians within the SO-101's ranges, gripper opening within 0…1.
        assert np.all(np.abs(state[:, :5]) < 2.8)
        assert np.all((action[:, 5] >= 0) & (action[:, 5] <= 1))
        # The images change as the arm moves, and a successful episode ends with reward 1.
        assert np.abs(front[0].astype(int) - front[-1].astype(int)).mean() > 1
        if meta["success"]:
            assert reward[-1] >= 1.0


def test_snapshot_png(tmp_path):
    path = tmp_path / "scene.png"
    out = run("sim", "snapshot", "--task", "place", "--out", str(path), "--width", "160", "--height", "120")
    assert "wrote" in out
    image = np.asarray(Image.open(path).convert("RGB"))
    assert image.shape == (120, 320, 3)
    front, wrist = image[:, :160], image[:, 160:]
    assert len(np.unique(front.reshape(-1, 3), axis=0)) > 50
    assert len(np.unique(wrist.reshape(-1, 3), axis=0)) > 50


def test_eval_sim_json():
    report = json.loads(run("eval-sim", "--expert", "--task", "reach", "--episodes", "8", "--envs", "4", "--json"))
    success = report["success"]
    assert success["episodes"] == 8
    assert 0 <= success["lower"] <= success["successes"] / 8 <= success["upper"] <= 1
    assert success["successes"] >= 7


def test_eval_sim_needs_a_policy():
    result = subprocess.run([BINARY, "eval-sim", "--task", "reach"], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "--expert" in result.stderr


def test_eval_sim_denoising_steps_needs_a_checkpoint():
    result = subprocess.run([BINARY, "eval-sim", "--expert", "--task", "reach", "--denoising-steps", "8"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "--denoising-steps applies to a --checkpoint" in result.stderr
