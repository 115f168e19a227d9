"""`pirl-robot train-sim`, checked from Python: a tiny run on `reach` whose TensorBoard
event file is opened with TensorBoard's own reader (`event_accumulator`), whose
metrics.csv is read with the csv module, whose plot is decoded with Pillow and whose
final checkpoint is read with the `safetensors` package. Also: resuming a finished run
does nothing, and a bad config is refused with the field named.

Needs the binary (PIRL_ROBOT, default .build/debug/pirl-robot), MuJoCo/OSMesa and the
Python packages of scripts/install-deps.sh.
"""
import csv
import json
import os
import subprocess
from pathlib import Path

from PIL import Image
from safetensors.numpy import load_file
from tensorboard.backend.event_processing import event_accumulator

ROOT = Path(__file__).resolve().parents[2]
BINARY = os.environ.get("PIRL_ROBOT", str(ROOT / ".build" / "debug" / "pirl-robot"))

TINY = """
seed: 2
environment: {task: reach, envs: 4, imageSize: 32}
policy:
  horizon: 6
  executedHorizon: 3
  denoisingSteps: 2
  architecture: {visionChannels: [4, 8], prefixWidth: 32, stateWidth: 16, tokenWidth: 8, expertWidth: 32,
                 expertHiddenWidth: 64, expertBlocks: 1, timeEmbeddingWidth: 16, noiseHeadWidth: 16,
                 valueWidth: 32, vocabularySize: 128}
sft: {demos: 2, steps: 20, batchSize: 8}
rl: {method: flow-noise, iterations: 2, rolloutLength: 8, minibatchSize: 16, epochs: 1}
eval: {episodes: 4, periodicEpisodes: 4, everyIterations: 2}
output: {checkpointEvery: 1}
"""


def train(config, out):
    return subprocess.run([BINARY, "train-sim", "--config", str(config), "--out", str(out)],
                          capture_output=True, text=True, timeout=600)


def test_tiny_run_outputs_open_in_their_own_readers(tmp_path):
    config = tmp_path / "tiny.yaml"
    config.write_text(TINY)
    out = tmp_path / "run"
    result = train(config, out)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    progress = [line for line in lines if line.startswith("it ")]
    assert [line.split(" | ")[0] for line in progress] == ["it 1/2", "it 2/2"]
    for field in ["steps", "success", "return", "pg", "v", "kl", "clip", "grad", "ev", "steps/s", "ETA"]:
        assert f" {field}" in progress[-1] or progress[-1].endswith(field), field

    events = event_accumulator.EventAccumulator(str(out / "tensorboard"), size_guidance={event_accumulator.SCALARS: 0})
    events.Reload()
    tags = set(events.Tags()["scalars"])
    assert {"rl/success_rate", "rl/pg_loss", "rl/approx_kl", "rl/explained_variance", "sft/loss",
            "eval/sft_success", "eval/final_success"} <= tags
    assert len(events.Scalars("rl/pg_loss")) == 2
    assert len(events.Scalars("sft/loss")) == 20
    steps = [e.step for e in events.Scalars("rl/steps_per_second")]
    assert steps == sorted(steps) and steps[0] > 0

    with open(out / "metrics.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    iterations = [row for row in rows if row["iteration"]]
    assert [int(float(row["iteration"])) for row in iterations] == [1, 2]
    assert int(iterations[-1]["step"]) == steps[-1]

    image = Image.open(out / "success.png")
    assert image.size == (640, 360) and image.mode == "RGB"

    state = json.loads((out / "state.json").read_text())
    assert state["rlIterations"] == 2 and state["sftSteps"] == 20
    final = out / "checkpoints" / "final"
    tensors = load_file(str(final / "model.safetensors"))
    assert "expert.out.weight" in tensors
    provenance = json.loads((final / "config.json").read_text())["provenance"]
    assert provenance["seed"] == 2 and provenance["task"] == "reach"
    assert abs(provenance["evalSuccess"] - state["finalEvaluation"]["successes"] / 4) < 1e-9

    again = train(config, out)
    assert again.returncode == 0 and again.stdout == "", again.stdout + again.stderr


def test_bad_config_names_the_field(tmp_path):
    config = tmp_path / "bad.yaml"
    config.write_text("rl: {clipCoef: 2}\n")
    result = train(config, tmp_path / "run")
    assert result.returncode != 0
    assert "rl.clipCoef" in result.stderr
    assert not (tmp_path / "run").exists()
