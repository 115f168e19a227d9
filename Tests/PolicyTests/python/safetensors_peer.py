#!/usr/bin/env python3
"""The Python `safetensors` package as an independent peer for the Swift reader/writer.

    safetensors_peer.py check FILE EXPECTED.json   load FILE, compare with {name: {shape, values}} exactly
    safetensors_peer.py write FILE SPEC.json       write {name: {shape, values}} as float32 with safetensors
Prints one JSON line; exits non-zero on any mismatch.
"""
import json
import sys

import numpy as np
from safetensors.numpy import load_file, save_file


def main():
    mode, path, spec_path = sys.argv[1:4]
    with open(spec_path) as f:
        spec = json.load(f)
    if mode == "write":
        tensors = {k: np.asarray(v["values"], dtype=np.float32).reshape(v["shape"]) for k, v in spec.items()}
        save_file(tensors, path, metadata={"producer": "python-safetensors"})
        print(json.dumps({"written": len(tensors)}))
        return
    loaded = load_file(path)
    problems = []
    if set(loaded) != set(spec):
        problems.append(f"names differ: {sorted(set(loaded) ^ set(spec))}")
    for name, v in spec.items():
        if name not in loaded:
            continue
        t = loaded[name]
        if t.dtype != np.float32:
            problems.append(f"{name}: dtype {t.dtype}")
        if list(t.shape) != v["shape"]:
            problems.append(f"{name}: shape {list(t.shape)} != {v['shape']}")
        elif not np.array_equal(t.ravel(), np.asarray(v["values"], dtype=np.float32)):
            problems.append(f"{name}: values differ")
    print(json.dumps({"tensors": len(loaded), "problems": problems}))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
