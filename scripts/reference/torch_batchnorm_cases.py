#!/usr/bin/env python3
"""Reference cases for bnlab.nn.BatchNormTorchTest, computed by torch.nn.BatchNorm1d / BatchNorm2d.

NOT run in CI: the JSON it writes is committed, and the JUnit test replays it through our
BatchNorm layer. Regenerate it (from the repository root) with a throwaway virtualenv outside
the repository:

    python3 -m venv /tmp/torchenv
    /tmp/torchenv/bin/pip install torch        # numpy is not needed (torch warns; harmless)
    /tmp/torchenv/bin/python scripts/reference/torch_batchnorm_cases.py

Committed output made with torch 2.15.0 (CPU), Python 3.11; the file records the version.

What each case holds (one layer, gamma/beta random and fixed, running stats from 0 and 1):
  * `train`: several training steps, each a new random batch x and upstream gradient dy;
    after each step y, dx, dgamma (weight.grad), dbeta (bias.grad), running_mean, running_var;
  * `eval`: then one inference step (module.eval()) on a new batch, with the same outputs.
Conventions: momentum=0.1 in PyTorch is the weight of the batch, i.e. d2l's momentum 0.9;
eps=1e-5. PyTorch's running_var is an average of the UNBIASED batch variances (x m/(m-1),
m = N*H*W); we store the biased one, and the Java test converts (see its Javadoc).
Inputs are float32 values; torch computes in float64, so the reference carries no float32
rounding of its own and the deviation the test prints is ours. Numbers are written with
9 significant digits (enough to round-trip a float32).
"""
import json
import pathlib

import torch

OUT = pathlib.Path(__file__).resolve().parents[2] / "lib/src/main/resources/bnlab/nn/torch-batchnorm-cases.json"
MOMENTUM = 0.1  # PyTorch's: weight of the batch = 1 - 0.9
EPS = 1e-5
TRAIN_STEPS = 3

# (name, shape): C = 1, odd sizes, a 1x1 feature map, 2-D and 4-D.
CASES = [
    ("fc-8x3", (8, 3)),
    ("fc-5x1", (5, 1)),
    ("fc-7x6", (7, 6)),
    ("conv-2x3x4x5", (2, 3, 4, 5)),
    ("conv-3x1x3x3", (3, 1, 3, 3)),
    ("conv-4x2x1x1", (4, 2, 1, 1)),
    ("conv-3x5x3x7", (3, 5, 3, 7)),
]


def flat(t):
    return [float(f"{v:.9g}") for v in t.detach().reshape(-1).tolist()]


def batch(gen, shape):
    """A float32 batch with per-channel offsets and scales, so each channel has its own statistics."""
    c = shape[1]
    view = (1, c) + (1,) * (len(shape) - 2)
    offset = torch.randn(view, generator=gen) * 2
    scale = torch.rand(view, generator=gen) * 3 + 0.5
    return (torch.randn(shape, generator=gen) * scale + offset).float()


def step(bn, gen, shape):
    x = batch(gen, shape).double().requires_grad_(True)
    dy = torch.randn(shape, generator=gen).float().double()
    bn.weight.grad = None
    bn.bias.grad = None
    y = bn(x)
    y.backward(dy)
    return {
        "x": flat(x), "dy": flat(dy), "y": flat(y), "dx": flat(x.grad),
        "dgamma": flat(bn.weight.grad), "dbeta": flat(bn.bias.grad),
        "running_mean": flat(bn.running_mean), "running_var": flat(bn.running_var),
    }


def case(index, name, shape):
    gen = torch.Generator().manual_seed(1000 + index)
    c = shape[1]
    module = torch.nn.BatchNorm1d if len(shape) == 2 else torch.nn.BatchNorm2d
    bn = module(c, eps=EPS, momentum=MOMENTUM).double()
    with torch.no_grad():
        bn.weight.copy_((torch.rand(c, generator=gen) + 0.5).float().double())
        bn.bias.copy_(torch.randn(c, generator=gen).float().double())
    gamma, beta = flat(bn.weight), flat(bn.bias)
    bn.train()
    train = [step(bn, gen, shape) for _ in range(TRAIN_STEPS)]
    bn.eval()
    return {"name": name, "shape": list(shape), "gamma": gamma, "beta": beta,
            "train": train, "eval": step(bn, gen, shape)}


def main():
    torch.use_deterministic_algorithms(True)
    data = {
        "generator": "scripts/reference/torch_batchnorm_cases.py",
        "torch_version": torch.__version__,
        "momentum_torch": MOMENTUM,
        "eps": EPS,
        "running_var": "unbiased (PyTorch)",
        "cases": [case(i, name, shape) for i, (name, shape) in enumerate(CASES)],
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(data, separators=(",", ":")) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(CASES)} cases, torch {torch.__version__})")


if __name__ == "__main__":
    main()
