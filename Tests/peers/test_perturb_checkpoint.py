"""scripts/perturb-checkpoint.py and scripts/average-checkpoints.py, read back with `safetensors`:
the perturbed tensors are what each mode says, the rest is the base's, and the result is a
checkpoint `eval-sim` runs; an average is the element-wise mean, and checkpoints of different
shapes are refused.

Needs the binary (PIRL_ROBOT, default .build/debug/pirl-robot) for the eval-sim test.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file, save_file

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "perturb-checkpoint.py"
BINARY = os.environ.get("PIRL_ROBOT", str(ROOT / ".build" / "debug" / "pirl-robot"))


def checkpoint(directory, tensors):
    directory.mkdir(parents=True)
    save_file(tensors, str(directory / "model.safetensors"), metadata={"producer": "test"})
    (directory / "config.json").write_text("{}")
    return directory


def perturb(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)], capture_output=True, text=True, timeout=60)


def setup(tmp_path):
    rng = np.random.default_rng(1)
    w = rng.standard_normal((64, 32)).astype(np.float32)
    d = (rng.standard_normal((64, 32)) * 0.01).astype(np.float32)
    head = np.ones((4, 8), np.float32)
    base = checkpoint(tmp_path / "base", {"expert.w": w, "value_head.w": head})
    moved = checkpoint(tmp_path / "moved", {"expert.w": w + d, "value_head.w": np.ones((4, 9), np.float32)})
    return base, moved, w, (w + d).astype(np.float64) - w.astype(np.float64), head


def test_displacement_scaled_and_reversed(tmp_path):
    base, moved, w, d, head = setup(tmp_path)
    for scale in (1, -1, 0.5):
        out = tmp_path / f"out{scale}"
        result = perturb("--base", base, "--moved", moved, "--out", out, "--scale", scale)
        assert result.returncode == 0, result.stderr
        t = load_file(str(out / "model.safetensors"))
        np.testing.assert_allclose(t["expert.w"], w + scale * d, atol=1e-6)
        # Not under --prefix (and of another shape): the base's, untouched.
        np.testing.assert_array_equal(t["value_head.w"], head)
        assert (out / "config.json").read_text() == "{}"


def test_random_modes_keep_the_size_and_lose_the_direction(tmp_path):
    base, moved, w, d, _ = setup(tmp_path)
    for mode in ("gaussian", "sign-flip"):
        out = tmp_path / mode
        assert perturb("--base", base, "--moved", moved, "--out", out, "--mode", mode, "--seed", 3).returncode == 0
        p = load_file(str(out / "model.safetensors"))["expert.w"].astype(np.float64) - w
        rms, target = np.sqrt(np.mean(p * p)), np.sqrt(np.mean(d * d))
        assert abs(rms - target) / target < (0.1 if mode == "gaussian" else 1e-5)
        cosine = np.sum(p * d) / (np.linalg.norm(p) * np.linalg.norm(d))
        assert abs(cosine) < 0.15, f"{mode} kept the displacement's direction (cosine {cosine:.2f})"
        if mode == "sign-flip":
            np.testing.assert_allclose(np.abs(p), np.abs(d), atol=1e-6)
    again = tmp_path / "again"
    perturb("--base", base, "--moved", moved, "--out", again, "--mode", "gaussian", "--seed", 3)
    np.testing.assert_array_equal(load_file(str(again / "model.safetensors"))["expert.w"],
                                  load_file(str(tmp_path / "gaussian" / "model.safetensors"))["expert.w"])


def test_refuses_a_directory_without_a_model(tmp_path):
    base, _, _, _, _ = setup(tmp_path)
    (tmp_path / "empty").mkdir()
    result = perturb("--base", base, "--moved", tmp_path / "empty", "--out", tmp_path / "out")
    assert result.returncode != 0
    assert "has no model.safetensors" in result.stderr
    assert not (tmp_path / "out").exists()


def test_result_is_a_checkpoint_eval_sim_runs(tmp_path):
    bundled = ROOT / "checkpoints" / "place"
    out = tmp_path / "half"
    result = perturb("--base", bundled, "--moved", bundled, "--out", out, "--scale", 0.5)
    assert result.returncode == 0, result.stderr
    assert load_file(str(out / "model.safetensors")).keys() == load_file(str(bundled / "model.safetensors")).keys()
    run = subprocess.run([BINARY, "eval-sim", "--task", "place", "--checkpoint", str(out), "--episodes", "2",
                          "--envs", "2", "--json"], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["success"]["episodes"] == 2 and len(report["episodes"]) == 2


AVERAGE = ROOT / "scripts" / "average-checkpoints.py"


def test_average_is_the_mean_and_refuses_mixed_runs(tmp_path):
    rng = np.random.default_rng(2)
    values = [rng.standard_normal((8, 4)).astype(np.float32) for _ in range(3)]
    dirs = [checkpoint(tmp_path / f"c{i}", {"expert.w": v, "value_head.b": np.full(2, i, np.float32)})
            for i, v in enumerate(values)]
    out = tmp_path / "avg"
    result = subprocess.run([sys.executable, str(AVERAGE), "--out", str(out), *map(str, dirs)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    t = load_file(str(out / "model.safetensors"))
    np.testing.assert_allclose(t["expert.w"], (values[0] + values[1] + values[2]) / 3, atol=1e-6)
    np.testing.assert_allclose(t["value_head.b"], [1, 1])
    other = checkpoint(tmp_path / "other", {"expert.w": np.zeros((8, 5), np.float32), "value_head.b": np.zeros(2, np.float32)})
    refused = subprocess.run([sys.executable, str(AVERAGE), "--out", str(tmp_path / "bad"), str(dirs[0]), str(other)],
                             capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0 and "other tensors or shapes" in refused.stderr
    assert not (tmp_path / "bad").exists()
