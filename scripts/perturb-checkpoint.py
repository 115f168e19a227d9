#!/usr/bin/env python3
"""Writes a checkpoint that is a base checkpoint moved along (a transform of) another one's displacement.

Asks whether an RL update's damage comes from its direction or only from its size: evaluate
base + d (the update itself), base - d, base + d/2, and base plus random perturbations with the
same size per tensor (a Gaussian with d's rms, or d with each element's sign flipped at random).
docs/experiments/place-ppo-smooth-noise.md ("What the update's noise does") has the commands and figures.

Usage:
  scripts/perturb-checkpoint.py --base runs/A/checkpoints/sft --moved runs/B/checkpoints/iter_000010 \
      --out runs/pert/gauss --mode gaussian [--scale 1] [--seed 0] [--prefix expert.]

Only tensors whose names start with --prefix (the velocity network, the part RL trains) and whose
shapes agree move; every other tensor, config.json and norm_stats.json are the base's, so the
result evaluates like the base checkpoint (`pirl-robot eval-sim --checkpoint OUT`).
"""
import argparse
import sys

import numpy as np

from checkpoint_files import load_model, write_checkpoint

MODES = ("displacement", "gaussian", "sign-flip")


def perturbation(d, mode, rng):
    """The perturbation of one tensor, from its displacement d (float64)."""
    if mode == "displacement":
        return d
    if mode == "gaussian":
        return rng.standard_normal(d.shape) * np.sqrt(np.mean(d * d))
    return d * rng.choice([-1.0, 1.0], size=d.shape)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", required=True, help="checkpoint directory to start from")
    parser.add_argument("--moved", required=True, help="checkpoint directory whose difference from --base is d")
    parser.add_argument("--out", required=True, help="directory to write (replaced if it exists)")
    parser.add_argument("--mode", choices=MODES, default="displacement")
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies the perturbation (-1: the opposite way)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random modes")
    parser.add_argument("--prefix", default="expert.", help="tensors to move: names starting with this")
    args = parser.parse_args(argv)

    base, metadata = load_model(args.base)
    moved, _ = load_model(args.moved)
    rng = np.random.default_rng(args.seed)
    out, changed = {}, 0
    for name, value in base.items():
        other = moved.get(name)
        if name.startswith(args.prefix) and other is not None and other.shape == value.shape:
            d = other.astype(np.float64) - value.astype(np.float64)
            out[name] = (value + args.scale * perturbation(d, args.mode, rng)).astype(value.dtype)
            changed += 1
        else:
            out[name] = value
    if changed == 0:
        sys.exit(f"error: no tensor named {args.prefix}* with the same shape in both checkpoints")
    write_checkpoint(args.base, args.out, out, metadata)
    print(f"{args.out}: {changed} tensors moved ({args.mode}, scale {args.scale:g})")


if __name__ == "__main__":
    main(sys.argv[1:])
