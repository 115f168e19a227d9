"""Sampling allocates nothing per denoising step: `policy sample` makes about the same
number of malloc calls with K = 4 and K = 3000 (start-up varies by a few hundred calls
between runs, so each K takes the smallest of two runs; one allocation per step would
add about 3000).

Counts calls with a tiny LD_PRELOAD shim compiled here with the system C compiler.
"""
import json
import os
import random
import subprocess

BIN = os.environ.get("PIRL_ROBOT", ".build/debug/pirl-robot")

COUNTER = r"""
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
static unsigned long calls;
static void *(*real_malloc)(size_t);
void *malloc(size_t size) {
    if (!real_malloc) real_malloc = dlsym(RTLD_NEXT, "malloc");
    calls++;
    return real_malloc(size);
}
__attribute__((destructor)) static void report(void) { fprintf(stderr, "malloc-calls: %lu\n", calls); }
"""


def test_no_allocation_per_denoising_step(tmp_path):
    source = tmp_path / "count.c"
    source.write_text(COUNTER)
    shim = tmp_path / "count.so"
    subprocess.run(["cc", "-shared", "-fPIC", "-O2", "-o", str(shim), str(source), "-ldl"], check=True)
    ckpt = tmp_path / "ckpt"
    subprocess.run([BIN, "policy", "init", "--out", str(ckpt)], check=True, capture_output=True)
    rnd = random.Random(0)
    obs = {"images": {c: {"width": 64, "height": 64, "rgb": [rnd.randrange(256) for _ in range(64 * 64 * 3)]}
                      for c in ("base", "wrist")}, "state": [0.0] * 6, "prompt": "pick up the cube"}
    (tmp_path / "obs.json").write_text(json.dumps(obs))
    counts = {}
    for steps in (4, 3000, 4, 3000):
        result = subprocess.run([BIN, "policy", "sample", str(ckpt), "--obs", str(tmp_path / "obs.json"), "--steps", str(steps)],
                                capture_output=True, text=True, env={**os.environ, "LD_PRELOAD": str(shim)}, timeout=300)
        assert result.returncode == 0, result.stderr
        line = [l for l in result.stderr.splitlines() if l.startswith("malloc-calls:")][-1]
        counts[steps] = min(counts.get(steps, 1 << 62), int(line.split()[1]))
    assert counts[4] > 0
    assert abs(counts[3000] - counts[4]) < 1500, counts
