#!/usr/bin/env python3
"""Reference cases for bnlab.nn.NormalizationTorchTest: torch.nn.LayerNorm, GroupNorm, InstanceNorm2d.

NOT run in CI: the JSON it writes is committed, and the JUnit test replays it through our
LayerNorm, GroupNorm and InstanceNorm layers. Regenerate it (from the repository root) with the
same throwaway virtualenv as torch_batchnorm_cases.py (never a project dependency):

    /work/torchenv/bin/python scripts/reference/torch_norm_cases.py   # or any venv with torch

Committed output made with torch 2.15.0 (CPU), Python 3.11; the file records the version.

Each case is one layer with random gamma/beta (weight/bias) and one forward and backward on a
random batch: x, dy -> y, dx, dgamma, dbeta. These layers keep no running statistics
(InstanceNorm2d with affine=True, track_running_stats=False), so training and inference give the
same numbers and one step says everything. Inputs are float32 values; torch computes in float64.

`batchnorm_conventions` records what the conventions table (bnlab.nn.Conventions) claims about
torch.nn.BatchNorm2d: its defaults as constructed, and the running statistics after one training
step from a known batch.
"""
import json
import pathlib

import torch

from torch_batchnorm_cases import batch, flat

OUT = pathlib.Path(__file__).resolve().parents[2] / "lib/src/test/resources/bnlab/nn/torch-norm-cases.json"
EPS = 1e-5

# (name, layer kind, shape, groups or normalized shape): N = 1, odd sizes, 2-D and 4-D.
CASES = [
    ("layernorm-fc-4x10", "LayerNorm", (4, 10), (10,)),
    ("layernorm-fc-1x6", "LayerNorm", (1, 6), (6,)),
    ("layernorm-conv-3x2x4x5", "LayerNorm", (3, 2, 4, 5), (2, 4, 5)),
    ("layernorm-conv-1x3x3x3", "LayerNorm", (1, 3, 3, 3), (3, 3, 3)),
    ("groupnorm-G3-2x6x4x5", "GroupNorm", (2, 6, 4, 5), 3),
    ("groupnorm-G1-2x6x4x5", "GroupNorm", (2, 6, 4, 5), 1),
    ("groupnorm-G6-2x6x4x5", "GroupNorm", (2, 6, 4, 5), 6),
    ("groupnorm-G2-1x4x3x3", "GroupNorm", (1, 4, 3, 3), 2),
    ("groupnorm-fc-G4-5x8", "GroupNorm", (5, 8), 4),
    ("instancenorm-3x4x5x5", "InstanceNorm2d", (3, 4, 5, 5), None),
    ("instancenorm-1x2x3x7", "InstanceNorm2d", (1, 2, 3, 7), None),
]


def layer(kind, shape, arg):
    if kind == "LayerNorm":
        return torch.nn.LayerNorm(list(arg), eps=EPS)
    if kind == "GroupNorm":
        return torch.nn.GroupNorm(arg, shape[1], eps=EPS)
    return torch.nn.InstanceNorm2d(shape[1], eps=EPS, affine=True, track_running_stats=False)


def case(index, name, kind, shape, arg):
    gen = torch.Generator().manual_seed(2000 + index)
    module = layer(kind, shape, arg).double()
    with torch.no_grad():
        module.weight.copy_((torch.rand(module.weight.shape, generator=gen) + 0.5).float().double())
        module.bias.copy_(torch.randn(module.bias.shape, generator=gen).float().double())
    x = batch(gen, shape).double().requires_grad_(True)
    dy = torch.randn(shape, generator=gen).float().double()
    y = module(x)
    y.backward(dy)
    return {"name": name, "layer": kind, "shape": list(shape),
            "groups": arg if kind == "GroupNorm" else None,
            "normalized_shape": list(arg) if kind == "LayerNorm" else None,
            "gamma": flat(module.weight), "beta": flat(module.bias),
            "x": flat(x), "dy": flat(dy), "y": flat(y), "dx": flat(x.grad),
            "dgamma": flat(module.weight.grad), "dbeta": flat(module.bias.grad)}


def batchnorm_conventions():
    bn = torch.nn.BatchNorm2d(3)
    defaults = {"momentum": bn.momentum, "eps": bn.eps,
                "running_mean": flat(bn.running_mean), "running_var": flat(bn.running_var)}
    gen = torch.Generator().manual_seed(3000)
    x = batch(gen, (4, 3, 2, 2)).double()
    bn = bn.double().train()
    with torch.no_grad():
        bn(x)
    return {"module": "torch.nn.BatchNorm2d(3)", "defaults": defaults, "shape": [4, 3, 2, 2], "x": flat(x),
            "running_mean": flat(bn.running_mean), "running_var": flat(bn.running_var)}


def main():
    torch.use_deterministic_algorithms(True)
    data = {
        "generator": "scripts/reference/torch_norm_cases.py",
        "torch_version": torch.__version__,
        "eps": EPS,
        "cases": [case(i, *c) for i, c in enumerate(CASES)],
        "batchnorm_conventions": batchnorm_conventions(),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(data, separators=(",", ":")) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(CASES)} cases, torch {torch.__version__})")


if __name__ == "__main__":
    main()
