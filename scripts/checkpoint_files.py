"""Reading and writing checkpoint directories for the analysis scripts (perturb-checkpoint.py,
average-checkpoints.py): a directory holds config.json, model.safetensors and norm_stats.json."""
import os
import shutil
import sys

from safetensors import safe_open
from safetensors.numpy import load_file, save_file

MODEL = "model.safetensors"


def load_model(directory):
    """The directory's tensors by name, and its safetensors metadata; exits with a message if it has no model."""
    path = os.path.join(directory, MODEL)
    if not os.path.isfile(path):
        sys.exit(f"error: {directory} has no {MODEL}; pass a checkpoint directory (runs/NAME/checkpoints/iter_000010)")
    with safe_open(path, "np") as f:
        metadata = f.metadata()
    return load_file(path), metadata


def write_checkpoint(template, out, tensors, metadata):
    """Writes `out` as a copy of the checkpoint `template` (replacing `out`) with `tensors` as its model.

    The optimizer moments are not copied: the result is for evaluation, not for resuming."""
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(template, out, ignore=shutil.ignore_patterns("optimizer.safetensors"))
    save_file(tensors, os.path.join(out, MODEL), metadata=metadata)
