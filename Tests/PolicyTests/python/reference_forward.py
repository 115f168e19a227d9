#!/usr/bin/env python3
"""Independent NumPy (float64) implementation of the pirl-robot flow policy forward pass.

Reads a checkpoint directory (config.json + model.safetensors through the `safetensors`
package) and an inputs JSON, writes the prefix features, velocities, Flow-Noise
log-variances and critic values as JSON. Written from the architecture description in
Sources/Policy/Network (doc comments), not from the Swift code.

    reference_forward.py CKPT_DIR INPUTS.json OUTPUTS.json
    reference_forward.py CKPT_DIR --bench ITERATIONS --steps K   (prints JSON timings)
"""
import json
import sys
import time

import numpy as np
from safetensors.numpy import load_file


def silu(x):
    return x / (1.0 + np.exp(-x))


def gelu(x):  # tanh approximation
    return 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x ** 3)))


def layer_norm(x, eps=1e-6):
    m = x.mean(axis=-1, keepdims=True)
    v = ((x - m) ** 2).mean(axis=-1, keepdims=True)
    return (x - m) / np.sqrt(v + eps)


def group_norm(x, groups, gamma, beta, eps=1e-5):
    n, c, h, w = x.shape
    g = x.reshape(n, groups, -1)
    g = (g - g.mean(axis=2, keepdims=True)) / np.sqrt(g.var(axis=2, keepdims=True) + eps)
    return g.reshape(n, c, h, w) * gamma[None, :, None, None] + beta[None, :, None, None]


def conv2d(x, w, b, stride, pad):
    n, c, h, wd = x.shape
    o, _, k, _ = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh = (h + 2 * pad - k) // stride + 1
    ow = (wd + 2 * pad - k) // stride + 1
    out = np.zeros((n, o, oh, ow)) + b[None, :, None, None]
    for ky in range(k):
        for kx in range(k):
            patch = xp[:, :, ky:ky + stride * oh:stride, kx:kx + stride * ow:stride]
            out += np.einsum("oc,nchw->nohw", w[:, :, ky, kx], patch)
    return out


class Reference:
    def __init__(self, ckpt):
        with open(f"{ckpt}/config.json") as f:
            self.cfg = json.load(f)
        self.w = {k: v.astype(np.float64) for k, v in load_file(f"{ckpt}/model.safetensors").items()}

    def linear(self, name, x):
        return x @ self.w[name + ".weight"].T + self.w[name + ".bias"]

    def prefix(self, images, state, tokens, offsets):
        io, a = self.cfg["io"], self.cfg["architecture"]
        batch = len(offsets) - 1
        feats = []
        for c, cam in enumerate(io["cameras"]):
            name = "vision" if a["sharedVisionEncoder"] else f"vision.{cam['name']}"
            h = np.asarray(images[c], dtype=np.float64).reshape(batch, 3, cam["height"], cam["width"])
            strides, groups = a.get("visionStrides") or [], a.get("visionGroupNorm", 0)
            for i, _ in enumerate(a["visionChannels"]):
                k, s, p = (a["patchSize"], a["patchSize"], 0) if i == 0 else (3, strides[i - 1] if strides else 2, 1)
                h = conv2d(h, self.w[f"{name}.conv{i}.weight"], self.w[f"{name}.conv{i}.bias"], s, p)
                if groups:
                    h = group_norm(h, groups, self.w[f"{name}.norm{i}.weight"], self.w[f"{name}.norm{i}.bias"])
                h = silu(h)
            if a.get("visionPooling", "mean") == "spatialSoftmax":
                feats.append(self.spatial_softmax(name, h, a.get("visionKeypoints", 0)))
            else:
                feats.append(h.mean(axis=(2, 3)))
        table = self.w["language.embedding.weight"]
        lang = np.zeros((batch, a["tokenWidth"]))
        for b in range(batch):
            ids = tokens[offsets[b]:offsets[b + 1]]
            if ids:
                lang[b] = table[ids].mean(axis=0)
        st = silu(self.linear("state.proj", np.asarray(state, dtype=np.float64).reshape(batch, io["stateDim"])))
        return silu(self.linear("prefix.fuse", np.concatenate(feats + [lang, st], axis=1)))

    def spatial_softmax(self, name, h, keypoints):
        """The expected (x, y) in [-1, 1] of each map's softmax over positions."""
        if keypoints:
            h = conv2d(h, self.w[f"{name}.keypoints.weight"], self.w[f"{name}.keypoints.bias"], 1, 0)
        if f"{name}.softmax.log_temperature" in self.w:
            h = h * np.exp(-self.w[f"{name}.softmax.log_temperature"][0])
        b, k, height, width = h.shape
        logits = h.reshape(b, k, height * width)
        p = np.exp(logits - logits.max(axis=2, keepdims=True))
        p /= p.sum(axis=2, keepdims=True)
        xs = np.linspace(-1, 1, width) if width > 1 else np.zeros(1)
        ys = np.linspace(-1, 1, height) if height > 1 else np.zeros(1)
        ex, ey = p @ np.tile(xs, height), p @ np.repeat(ys, width)
        return np.stack([ex, ey], axis=2).reshape(b, 2 * k)

    def time_embedding(self, t):
        a = self.cfg["architecture"]
        half = a["timeEmbeddingWidth"] // 2
        frac = np.arange(half) / (half - 1) if half > 1 else np.zeros(1)
        period = a["timeMinPeriod"] * (a["timeMaxPeriod"] / a["timeMinPeriod"]) ** frac
        # The angle is formed in float32, as the network's input convention.
        freq = (2 * np.pi / period).astype(np.float32)
        angle = (np.asarray(t, dtype=np.float32)[:, None] * freq[None, :]).astype(np.float64)
        return np.concatenate([np.sin(angle), np.cos(angle)], axis=1)

    def velocity(self, prefix, x, t, conditions):
        a = self.cfg["architecture"]
        w = a["expertWidth"]
        cond = self.linear("expert.time.fc2", silu(self.linear("expert.time.fc1", self.time_embedding(t))))
        cond = cond + self.linear("expert.prefix", prefix[conditions])
        c = silu(cond)
        h = self.linear("expert.in", np.asarray(x, dtype=np.float64).reshape(len(t), -1))
        for i in range(a["expertBlocks"]):
            mod = self.linear(f"expert.blocks.{i}.modulation", c)
            m = layer_norm(h) * (1 + mod[:, :w]) + mod[:, w:]
            h = h + self.linear(f"expert.blocks.{i}.fc2", gelu(self.linear(f"expert.blocks.{i}.fc1", m)))
        mod = self.linear("expert.final.modulation", c)
        z = layer_norm(h) * (1 + mod[:, :w]) + mod[:, w:]
        v = self.linear("expert.out", z)
        u = np.tanh(self.linear("noise_head.fc2", np.tanh(self.linear("noise_head.fc1", z))))
        lo, hi = 2 * np.log(a["noiseStdMin"]), 2 * np.log(a["noiseStdMax"])
        return v, lo + (hi - lo) * (u + 1) / 2

    def value(self, prefix):
        return self.linear("value_head.fc2", np.tanh(self.linear("value_head.fc1", prefix)))[:, 0]


def main():
    ref = Reference(sys.argv[1])
    if sys.argv[2] == "--bench":
        iterations, steps = int(sys.argv[3]), int(sys.argv[5])
        io = ref.cfg["io"]
        rng = np.random.default_rng(0)
        images = [rng.uniform(-1, 1, 3 * c["height"] * c["width"]) for c in io["cameras"]]
        state = rng.standard_normal(io["stateDim"])
        d = io["actionHorizon"] * io["actionDim"]
        times = []
        for _ in range(iterations):
            start = time.perf_counter()
            prefix = ref.prefix(images, state, [1, 2, 3], [0, 3])
            x = rng.standard_normal((1, d))
            for k in range(steps):
                v, _ = ref.velocity(prefix, x, [1 - k / steps], [0])
                x = x - v / steps
            times.append(time.perf_counter() - start)
        times.sort()
        print(json.dumps({"p50_ms": 1e3 * times[len(times) // 2], "p99_ms": 1e3 * times[min(len(times) - 1, int(len(times) * 0.99))]}))
        return
    with open(sys.argv[2]) as f:
        inp = json.load(f)
    prefix = ref.prefix(inp["images"], inp["state"], inp["tokens"], inp["offsets"])
    v, lv = ref.velocity(prefix, inp["x"], inp["t"], inp["conditions"])
    out = {"prefix": prefix.ravel().tolist(), "velocity": v.ravel().tolist(),
           "log_variance": lv.ravel().tolist(), "value": ref.value(prefix).tolist()}
    with open(sys.argv[3], "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
