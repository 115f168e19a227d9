"""`pirl-robot sim overlay`, checked from Python: the twin's camera view blended over a snapshot
(read and compared with Pillow and numpy), the pose file it saves and the commands that load it,
and bad inputs refused in one line. Needs the binary (PIRL_ROBOT, default .build/debug/pirl-robot)
and MuJoCo/OSMesa.
"""
import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
BINARY = os.environ.get("PIRL_ROBOT", str(ROOT / ".build" / "debug" / "pirl-robot"))


def overlay(*args):
    return subprocess.run([BINARY, "sim", "overlay", *args], capture_output=True, text=True, timeout=120)


def pixels(path):
    return np.asarray(Image.open(path).convert("RGB"), dtype=int)


def test_a_render_over_itself_at_half_alpha_is_the_render(tmp_path):
    gray = tmp_path / "gray.png"
    Image.new("RGB", (320, 240), (128, 128, 128)).save(gray)
    render, again = tmp_path / "render.png", tmp_path / "again.png"
    result = overlay("--snapshot", str(gray), "--out", str(render), "--alpha", "1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"wrote {render}: 320x240, the twin's front camera at 0.37,0,0.21 looking at 0.18,0,0, fovy 45°")
    assert len(np.unique(pixels(render).reshape(-1, 3), axis=0)) > 50, "a rendered scene, not the gray snapshot"
    result = overlay("--snapshot", str(render), "--out", str(again), "--alpha", "0.5")
    assert result.returncode == 0, result.stderr
    assert np.abs(pixels(again) - pixels(render)).max() <= 1


def test_the_saved_pose_round_trips_moves_the_view_and_loads_elsewhere(tmp_path):
    snapshot = tmp_path / "real.jpg"
    Image.new("RGB", (640, 480), (90, 120, 150)).save(snapshot)
    pose = tmp_path / "pose.json"
    moved = tmp_path / "moved.png"
    result = overlay("--snapshot", str(snapshot), "--out", str(moved), "--alpha", "1", "--position", "-0.05,0.3,0.35",
                     "--look-at", "0.2,0,0", "--fovy", "55", "--save-pose", str(pose))
    assert result.returncode == 0, result.stderr
    assert json.loads(pose.read_text()) == {"camera": "front", "position": [-0.05, 0.3, 0.35], "look_at": [0.2, 0, 0], "fovy": 55}
    assert f"--camera-pose {pose}" in result.stdout
    default, reloaded = tmp_path / "default.png", tmp_path / "reloaded.png"
    assert overlay("--snapshot", str(snapshot), "--out", str(default), "--alpha", "1").returncode == 0
    assert overlay("--snapshot", str(snapshot), "--out", str(reloaded), "--alpha", "1", "--camera-pose", str(pose)).returncode == 0
    assert np.array_equal(pixels(reloaded), pixels(moved))
    assert np.abs(pixels(moved) - pixels(default)).mean() > 10
    # The commands that build the twin's scene take the file.
    for command in (["eval-sim", "--help"], ["run", "--help"], ["sim", "serve", "--help"]):
        assert "--camera-pose" in subprocess.run([BINARY, *command], capture_output=True, text=True).stdout


@pytest.mark.parametrize("make, args, message", [
    (None, ["--snapshot", "{tmp}/missing.png"], "Error: --snapshot: cannot read the image {tmp}/missing.png: no such file."),
    ("tiny", ["--snapshot", "{tmp}/tiny.png"], "Error: --snapshot {tmp}/tiny.png is 8x8: the overlay takes 16…4096 pixels a side"),
    ("text", ["--snapshot", "{tmp}/gray.png", "--camera-pose", "{tmp}/pose.json"], "Error: camera pose {tmp}/pose.json: not JSON"),
    ("short", ["--snapshot", "{tmp}/gray.png", "--camera-pose", "{tmp}/pose.json"],
     "Error: camera pose {tmp}/pose.json: position takes three numbers [x, y, z], got 2"),
])
def test_bad_inputs_give_one_clear_line(tmp_path, make, args, message):
    Image.new("RGB", (64, 48)).save(tmp_path / "gray.png")
    if make == "tiny":
        Image.new("RGB", (8, 8)).save(tmp_path / "tiny.png")
    elif make == "text":
        (tmp_path / "pose.json").write_text("position: 1,2,3\n")
    elif make == "short":
        (tmp_path / "pose.json").write_text('{"camera": "front", "position": [1, 2], "look_at": [0, 0, 0], "fovy": 45}')
    result = overlay(*[a.format(tmp=tmp_path) for a in args], "--out", str(tmp_path / "out.png"))
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message.format(tmp=tmp_path)), result.stderr
    assert not (tmp_path / "out.png").exists()


def test_bad_pose_options_are_refused(tmp_path):
    Image.new("RGB", (64, 48)).save(tmp_path / "gray.png")
    result = overlay("--snapshot", str(tmp_path / "gray.png"), "--out", str(tmp_path / "o.png"), "--position", "1,2")
    assert result.returncode != 0 and "--position takes x,y,z in metres" in result.stderr
    result = overlay("--snapshot", str(tmp_path / "gray.png"), "--out", str(tmp_path / "o.png"), "--camera", "wrist")
    assert result.returncode != 0 and "the wrist camera rides on the gripper" in result.stderr
