#!/usr/bin/env python3
"""Writes the element-wise mean of several checkpoints' tensors (a uniform average of weights).

Asks whether a run's last checkpoints differ by noise around a common point: if so, their average
scores above each of them. docs/experiments/place-ppo-smooth-noise.md ("What the update's noise does") has the figures.

Usage:
  scripts/average-checkpoints.py --out runs/avg runs/R/checkpoints/iter_000030 runs/R/checkpoints/iter_000040 ...

config.json and norm_stats.json are the last checkpoint's; every checkpoint must have the same
tensors with the same shapes. The optimizer moments are not copied (the result is for
evaluation, `pirl-robot eval-sim --checkpoint OUT`, not for resuming).
"""
import argparse
import sys

import numpy as np

from checkpoint_files import load_model, write_checkpoint


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True, help="directory to write (replaced if it exists)")
    parser.add_argument("checkpoints", nargs="+", help="checkpoint directories")
    args = parser.parse_args(argv)
    loaded = [load_model(directory) for directory in args.checkpoints]
    tensors = [t for t, _ in loaded]
    first = tensors[0]
    for directory, t in zip(args.checkpoints[1:], tensors[1:]):
        if {k: v.shape for k, v in t.items()} != {k: v.shape for k, v in first.items()}:
            sys.exit(f"error: {directory} has other tensors or shapes than {args.checkpoints[0]}; average checkpoints of one run")
    mean = {k: np.mean([t[k].astype(np.float64) for t in tensors], axis=0).astype(first[k].dtype) for k in first}
    write_checkpoint(args.checkpoints[-1], args.out, mean, loaded[-1][1])
    print(f"{args.out}: mean of {len(tensors)} checkpoints")


if __name__ == "__main__":
    main(sys.argv[1:])
