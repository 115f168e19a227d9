"""The `pirl-robot policy` commands end to end, checked from outside the process.

PIRL_ROBOT names the built binary (the Makefile sets it). The checkpoint the binary
writes is read back with the Python `safetensors` package.
"""
import json
import os
import random
import subprocess
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import load_file

BIN = os.environ.get("PIRL_ROBOT", ".build/debug/pirl-robot")


def run(*args, check=True):
    result = subprocess.run([BIN, *args], capture_output=True, text=True, timeout=300)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def observation(prompt, seed):
    rnd = random.Random(seed)
    images = {c: {"width": 64, "height": 64, "rgb": [rnd.randrange(256) for _ in range(64 * 64 * 3)]}
              for c in ("base", "wrist")}
    return {"images": images, "state": [rnd.uniform(-1, 1) for _ in range(6)], "prompt": prompt}


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    out = tmp_path_factory.mktemp("ckpt") / "policy"
    run("policy", "init", "--out", str(out), "--seed", "7")
    return out


def test_init_writes_a_checkpoint_python_can_read(checkpoint):
    weights = load_file(str(checkpoint / "model.safetensors"))
    config = json.loads((checkpoint / "config.json").read_text())
    stats = json.loads((checkpoint / "norm_stats.json").read_text())
    assert set(stats["norm_stats"]) == {"state", "actions"}
    assert config["provenance"]["seed"] == 7
    total = sum(w.size for w in weights.values())
    assert 1_000_000 <= total <= 3_000_000
    assert weights["vision.conv0.weight"].shape == (32, 3, 4, 4)
    assert all(w.dtype == np.float32 for w in weights.values())


def test_info_reports_the_io_spec(checkpoint):
    out = run("policy", "info", str(checkpoint)).stdout
    total = sum(w.size for w in load_file(str(checkpoint / "model.safetensors")).values())
    assert f"parameters: {total}" in out
    assert "base 64x64, wrist 64x64" in out
    assert "H = 10 x D = 6" in out


@pytest.mark.parametrize("sampler", ["ode", "flow-sde", "flow-noise"])
def test_sample_is_deterministic_per_seed(checkpoint, tmp_path, sampler):
    obs = tmp_path / "obs.json"
    obs.write_text(json.dumps([observation("pick up the cube", 1), observation("open the drawer", 2)]))
    args = ["policy", "sample", str(checkpoint), "--obs", str(obs), "--sampler", sampler, "--steps", "4"]
    first = json.loads(run(*args, "--seed", "3").stdout)
    again = json.loads(run(*args, "--seed", "3").stdout)
    other = json.loads(run(*args, "--seed", "4").stdout)
    chunks = np.array(first["chunks"])
    assert chunks.shape == (2, 10, 6) and np.isfinite(chunks).all()
    assert first == again
    assert first["chunks"] != other["chunks"]
    assert first["sampler"] == sampler


def test_sample_rejects_a_wrong_image_size(checkpoint, tmp_path):
    bad = observation("x", 3)
    bad["images"]["wrist"] = {"width": 32, "height": 32, "rgb": [0] * (32 * 32 * 3)}
    obs = tmp_path / "bad.json"
    obs.write_text(json.dumps(bad))
    result = run("policy", "sample", str(checkpoint), "--obs", str(obs), check=False)
    assert result.returncode != 0
    assert "camera 'wrist' image is 32x32" in result.stderr


def test_info_names_a_corrupt_tensor_file(checkpoint, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    for name in ("config.json", "norm_stats.json"):
        (broken / name).write_text((checkpoint / name).read_text())
    (broken / "model.safetensors").write_bytes((checkpoint / "model.safetensors").read_bytes()[:5000])
    result = run("policy", "info", str(broken), check=False)
    assert result.returncode != 0
    assert "model.safetensors" in result.stderr and "Error" in result.stderr


def test_help_for_each_command():
    for args in (["policy"], ["policy", "init"], ["policy", "info"], ["policy", "sample"], ["bench", "policy"]):
        out = run(*args, "--help").stdout
        assert "USAGE: pirl-robot " + " ".join(args) in out


def test_init_from_a_partial_config_and_a_misspelt_key(tmp_path):
    cfg = tmp_path / "small.json"
    cfg.write_text(json.dumps({"io": {"cameras": [{"name": "top", "width": 32, "height": 32}]},
                               "architecture": {"expertWidth": 64, "expertHiddenWidth": 128, "expertBlocks": 1}}))
    out = tmp_path / "small"
    run("policy", "init", "--config", str(cfg), "--out", str(out))
    written = json.loads((out / "config.json").read_text())
    assert written["io"]["cameras"] == [{"name": "top", "width": 32, "height": 32, "resize": "pad"}]
    assert written["architecture"]["expertWidth"] == 64 and written["architecture"]["prefixWidth"] == 256
    assert "cameras: top 32x32" in run("policy", "info", str(out)).stdout
    cfg.write_text(json.dumps({"architecture": {"expertWidht": 64}}))
    result = run("policy", "init", "--config", str(cfg), "--out", str(tmp_path / "bad"), check=False)
    assert result.returncode != 0 and "unknown key 'expertWidht'" in result.stderr


def test_bench_policy_prints_every_figure(tmp_path):
    cfg = tmp_path / "tiny.json"
    cfg.write_text(json.dumps({"architecture": {"expertWidth": 32, "expertHiddenWidth": 32, "expertBlocks": 1,
                                                "visionChannels": [8, 8, 8]}}))
    run("policy", "init", "--config", str(cfg), "--out", str(tmp_path / "tiny"))
    out = run("bench", "policy", str(tmp_path / "tiny"), "--iterations", "10", "--numpy-reference",
              os.path.join(os.path.dirname(__file__), "..", "PolicyTests", "python", "reference_forward.py")).stdout
    for line in ("encoder only, batch 1: p50", "ODE K=4 batch 1: p50", "ODE K=10 batch 1: p50",
                 "ODE K=4 batch 64:", "chunks/s", "NumPy reference K=4 batch 1: p50"):
        assert line in out, out


REPO_ROOT = Path(__file__).resolve().parents[2]
BUNDLED = sorted(d.name for d in (REPO_ROOT / "checkpoints").iterdir() if d.is_dir())


@pytest.mark.parametrize("name", BUNDLED)
def test_bundled_checkpoint_is_small_readable_and_documented(name):
    directory = REPO_ROOT / "checkpoints" / name
    assert sum(f.stat().st_size for f in directory.iterdir()) < 20 * 1024 * 1024
    weights = load_file(str(directory / "model.safetensors"))   # not an LFS pointer
    assert all(np.isfinite(w).all() for w in weights.values())
    out = run("policy", "info", str(directory)).stdout
    assert f"parameters: {sum(w.size for w in weights.values())}" in out
    card = (directory / "MODEL_CARD.md").read_text()
    assert f"checkpoints/{name}" in card and "eval-sim" in card


def eval_successes(directory, episodes=8, task="place", *extra):
    """Successes of `eval-sim` on `task` over `episodes`, and its output."""
    out = run("eval-sim", "--task", task, "--checkpoint", directory,
              "--episodes", str(episodes), "--envs", str(episodes), *extra).stdout
    return int(out.split("checkpoint success ")[1].split("/")[0]), out


def test_bundled_place_policy_places_the_cube():
    # 96.7 % over 600 episodes (its model card): 8 episodes with fewer than 6 successes would
    # happen about 2 times in 1,000 for a policy that good.
    successes, out = eval_successes(str(REPO_ROOT / "checkpoints" / "place"))
    assert successes >= 6, out


def test_bundled_few_shot_policy_steers_its_start_and_places_the_cube():
    # 80 demos + SAC over the flow's start: 95.2 % over 400 episodes (its model card); 8
    # episodes with fewer than 6 successes would happen about 5 times in 1,000 for it.
    directory = str(REPO_ROOT / "checkpoints" / "place-fewshot")
    assert "noise_steering: 81272" in run("policy", "info", directory).stdout
    successes, out = eval_successes(directory)
    assert successes >= 6, out


def test_bundled_suite_policy_steers_its_start_and_places_the_named_cube():
    # 80 suite demos + SAC over the flow's start: 97.5 % over 800 episodes of both splits (its
    # model card); 8 held-out episodes with fewer than 6 successes would happen about 1 time in
    # 1,000 for it.
    directory = str(REPO_ROOT / "checkpoints" / "pick-place")
    assert "noise_steering: 81272" in run("policy", "info", directory).stdout
    successes, out = eval_successes(directory, 8, "pick-place", "--split", "heldout")
    assert successes >= 6, out


def test_eval_sim_with_the_exploration_sampler():
    # The exploration policy RL trains (Flow-SDE, smooth noise, a still gripper) on the same
    # episodes as the deployed ODE: the setups match, the noise changes how episodes go.
    place = str(REPO_ROOT / "checkpoints" / "place")
    common = ["eval-sim", "--task", "place", "--checkpoint", place, "--episodes", "4", "--envs", "4", "--json"]
    ode = json.loads(run(*common).stdout)
    sde = json.loads(run(*common, "--sampler", "flow-sde", "--noise-level", "1.0",
                         "--noise-frequencies", "3,3,3,3,3,0").stdout)
    def by_environment(report):
        return sorted(report["episodes"], key=lambda e: e["environment"])
    assert [e["setup"] for e in by_environment(ode)] == [e["setup"] for e in by_environment(sde)]
    assert [e["length"] for e in by_environment(ode)] != [e["length"] for e in by_environment(sde)]


@pytest.mark.parametrize("extra, message", [
    (["--noise-level", "0.3"], "add --sampler flow-sde"),
    (["--sde-steps", "every"], "add --sampler flow-sde"),
    (["--sampler", "flow-sde", "--noise-frequencies", "3,3"], "the checkpoint has 6 joints"),
    (["--sampler", "flow-sde", "--noise-frequencies", "0"], "at least one positive"),
    (["--sampler", "flow-sde", "--noise-frequencies", "11"], "each at most 10"),
])
def test_eval_sim_refuses_bad_noise_options(extra, message):
    result = run("eval-sim", "--task", "place", "--checkpoint", str(REPO_ROOT / "checkpoints" / "place"),
                 "--episodes", "1", *extra, check=False)
    assert result.returncode != 0
    assert message in result.stderr, result.stderr


def test_bundled_camera_policy_places_the_cube_from_pixels():
    # checkpoints/place distilled into a two-camera student, then RL from pixels: 340/400 =
    # 85.0 % (its model card); 12 episodes with fewer than 6 successes would happen about 7 times
    # in 10,000 for it, while a policy that does not read its cameras places none (camera SFT
    # from scratch: 0 %) and the distilled student before RL (58 %) falls short 1 time in 5.
    directory = str(REPO_ROOT / "checkpoints" / "place-camera")
    info = run("policy", "info", directory).stdout
    assert "cameras: front 64x64, wrist 64x64" in info and "state: 6 values" in info
    successes, out = eval_successes(directory, 12)
    assert successes >= 6, out
