#!/usr/bin/env python3
"""Prints the results tables' rows (docs/experiments/place.md) from finished train-sim runs.

Usage: scripts/results-table.py runs/place-sft-fewshot runs/place-ppo-flow-sde ...
Each row: run, final-evaluation success with its 95 % Wilson interval, the checkpoint it
evaluated, RL iterations and environment steps, and the run's wall time per stage (from
state.json; the SFT time of a run started with sft.fromCheckpoint is its source run's).
"""
import json
import sys


def row(run):
    state = json.load(open(f"{run}/state.json"))
    report = json.load(open(f"{run}/eval.json"))
    e = report["evaluation"]
    minutes = (state.get("sftSeconds", 0) + state.get("rlSeconds", 0) + state.get("evalSeconds", 0)) / 60
    return (f"| {run.rstrip('/').split('/')[-1]} | {e['successes']}/{e['episodes']} = {100 * e['successes'] / e['episodes']:.1f} % "
            f"| {100 * report['lower95']:.1f}–{100 * report['upper95']:.1f} % | {report['checkpoint']} "
            f"| {state.get('rlIterations', 0)} | {state.get('environmentSteps', 0):,} "
            f"| {state.get('sftSeconds', 0) / 60:.1f} / {state.get('rlSeconds', 0) / 60:.1f} / {minutes:.1f} |")


print("| run | success (200 episodes, ODE) | 95 % Wilson CI | checkpoint | RL iterations | env steps | minutes SFT / RL / total |")
print("|---|---|---|---|---|---|---|")
for run in sys.argv[1:]:
    print(row(run))
