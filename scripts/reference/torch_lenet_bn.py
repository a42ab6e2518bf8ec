#!/usr/bin/env python3
"""PyTorch reference for notebooks 4 and 5: d2l's LeNet with batch normalization, trained the
way the Java networks are, so their result lines can be compared with PyTorch on the same machine.

NOT run in CI and not part of the project's environment. To run it, make a throwaway virtualenv
outside the repository (the CPU is enough):

    python3 -m venv /tmp/torchenv && /tmp/torchenv/bin/pip install torch numpy
    OMP_WAIT_POLICY=PASSIVE /tmp/torchenv/bin/python scripts/reference/torch_lenet_bn.py --epochs 10

What is the same as in the Java runs (bnlab.train.Trainer with bnlab.dl4j.Dl4jLeNet or the
scratch network):
  * data: the four gzipped IDX files of Fashion-MNIST, read directly (default folder
    /usr/share/datasets/fashion-mnist, the Debian package dataset-fashion-mnist; --data DIR for
    another); pixels / 255 as float32, NCHW [B, 1, 28, 28];
  * data order: the same batches in the same order. Epoch e (1-based) is the Fisher-Yates
    shuffle of java.util.SplittableRandom(seed + e - 1), re-implemented bit for bit below
    (--seed, default 42 like Trainer.SEED); the last batch of an epoch is smaller;
  * network: conv 6@5x5 -> BN -> sigmoid -> avgpool 2/2 -> conv 16@5x5 -> BN -> sigmoid ->
    avgpool 2/2 -> flatten -> linear 120 -> BN -> sigmoid -> linear 84 -> BN -> sigmoid ->
    linear 10; cross-entropy (mean over the batch), plain SGD lr 1.0, batch 256;
  * BN: eps 1e-5, moving = 0.9 * moving + 0.1 * batch statistic, moving mean 0 / variance 1 at
    the start. "scratch" is d2l's own batch_norm function (biased batch variance for the moving
    variance too); "nn" is nn.BatchNorm2d/1d with momentum=0.1 (PyTorch's weight of the batch,
    the same 0.9/0.1 split), which updates its running variance with the UNBIASED batch variance;
  * initialization: PyTorch's default, U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for the weights and
    biases of conv and linear layers, the scheme the Java networks use. --init xavier instead
    re-draws the weights Xavier-uniform as d2l's train_ch6 does (biases keep the default);
  * measurements: per epoch the mean training loss and the training accuracy of the training
    forward passes, then the test accuracy in eval mode; examples/sec counts the time of the
    training steps only (forward, loss, backward, update, metrics; not batch assembly, not the
    test evaluation), over all epochs, as d2l's timer and bnlab's Trainer do.

It prints one line per epoch and, per variant, d2l's two result lines:

    loss 0.273, train acc 0.899, test acc 0.807
    3313.6 examples/sec on AMD EPYC, 2 threads
"""

import argparse
import gzip
import os
import time

import numpy as np
import torch
from torch import nn

MASK64 = (1 << 64) - 1
GOLDEN_GAMMA = 0x9E3779B97F4A7C15


class JavaSplittableRandom:
    """java.util.SplittableRandom(seed).nextInt(bound), bit for bit (its algorithm is specified)."""

    def __init__(self, seed):
        self.seed = seed & MASK64

    def _next_int(self):
        self.seed = (self.seed + GOLDEN_GAMMA) & MASK64
        z = self.seed
        z = ((z ^ (z >> 33)) * 0x62A9D9ED799705F5) & MASK64
        z = ((z ^ (z >> 28)) * 0xCB24D0A5C88C35B3) & MASK64
        r = z >> 32
        return r - (1 << 32) if r >= (1 << 31) else r  # as a signed Java int

    def next_int(self, bound):
        r = self._next_int()
        m = bound - 1
        if bound & m == 0:  # a power of two
            return r & m
        u = (r & 0xFFFFFFFF) >> 1  # r >>> 1
        while True:
            r = u % bound
            if u + m - r < (1 << 31):  # Java rejects when the int sum u + m - r overflows
                return r
            u = (self._next_int() & 0xFFFFFFFF) >> 1


def shuffled(n, seed):
    """bnlab.data.Batches.shuffled(n, seed): Fisher-Yates with SplittableRandom(seed)."""
    order = list(range(n))
    rng = JavaSplittableRandom(seed)
    for i in range(n - 1, 0, -1):
        j = rng.next_int(i + 1)
        order[i], order[j] = order[j], order[i]
    return np.array(order, dtype=np.int64)


def read_idx(folder, name, offset):
    with gzip.open(os.path.join(folder, name + ".gz"), "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


def load(folder, train_limit, test_limit):
    def images(name):
        return read_idx(folder, name, 16).reshape(-1, 1, 28, 28)

    def labels(name):
        return read_idx(folder, name, 8).astype(np.int64)

    x_train, y_train = images("train-images-idx3-ubyte"), labels("train-labels-idx1-ubyte")
    x_test, y_test = images("t10k-images-idx3-ubyte"), labels("t10k-labels-idx1-ubyte")
    scale = lambda x: torch.from_numpy(x.astype(np.float32) / np.float32(255.0))
    return (scale(x_train[:train_limit]), torch.from_numpy(y_train[:train_limit]),
            scale(x_test[:test_limit]), torch.from_numpy(y_test[:test_limit]))


def batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum):
    """d2l's from-scratch function: batch statistics in training, moving ones in inference."""
    if not torch.is_grad_enabled():
        X_hat = (X - moving_mean) / torch.sqrt(moving_var + eps)
    else:
        if X.dim() == 2:
            mean = X.mean(dim=0)
            var = ((X - mean) ** 2).mean(dim=0)
        else:
            mean = X.mean(dim=(0, 2, 3), keepdim=True)
            var = ((X - mean) ** 2).mean(dim=(0, 2, 3), keepdim=True)
        X_hat = (X - mean) / torch.sqrt(var + eps)
        moving_mean = momentum * moving_mean + (1.0 - momentum) * mean
        moving_var = momentum * moving_var + (1.0 - momentum) * var
    return gamma * X_hat + beta, moving_mean.data, moving_var.data


class BatchNorm(nn.Module):
    """d2l's BatchNorm layer: gamma 1, beta 0, moving mean 0, moving variance 1."""

    def __init__(self, num_features, num_dims):
        super().__init__()
        shape = (1, num_features) if num_dims == 2 else (1, num_features, 1, 1)
        self.gamma = nn.Parameter(torch.ones(shape))
        self.beta = nn.Parameter(torch.zeros(shape))
        self.moving_mean = torch.zeros(shape)
        self.moving_var = torch.ones(shape)

    def forward(self, X):
        Y, self.moving_mean, self.moving_var = batch_norm(
            X, self.gamma, self.beta, self.moving_mean, self.moving_var, eps=1e-5, momentum=0.9)
        return Y


def lenet(variant):
    if variant == "scratch":
        bn4 = lambda c: BatchNorm(c, num_dims=4)
        bn2 = lambda c: BatchNorm(c, num_dims=2)
    else:
        bn4 = lambda c: nn.BatchNorm2d(c, eps=1e-5, momentum=0.1)
        bn2 = lambda c: nn.BatchNorm1d(c, eps=1e-5, momentum=0.1)
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5), bn4(6), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), bn4(16), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2), nn.Flatten(),
        nn.Linear(16 * 4 * 4, 120), bn2(120), nn.Sigmoid(),
        nn.Linear(120, 84), bn2(84), nn.Sigmoid(),
        nn.Linear(84, 10))


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return " ".join(line.split(":", 1)[1].split())
    except OSError:
        pass
    import platform
    return platform.machine() + " CPU"


def evaluate(net, x, y, batch_size):
    net.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(y), batch_size):
            correct += (net(x[i:i + batch_size]).argmax(dim=1) == y[i:i + batch_size]).sum().item()
    return correct / len(y)


def make(variant, init="pytorch", init_seed=0, lr=1.0):
    """The network, its loss and its optimizer (also used by scripts/bench_torch.py)."""
    torch.manual_seed(init_seed)
    net = lenet(variant)
    if init == "xavier":
        for m in net.modules():
            if isinstance(m, (nn.Linear, nn.Conv2d)):
                nn.init.xavier_uniform_(m.weight)
    return net, nn.CrossEntropyLoss(), torch.optim.SGD(net.parameters(), lr=lr)


def epoch_batches(x, y, seed, epoch, batch_size):
    """Epoch ``epoch`` (1-based) in bnlab's Trainer order: (X, y) pairs, the last one smaller."""
    order = torch.from_numpy(shuffled(len(y), seed + epoch - 1))
    for i in range(0, len(order), batch_size):
        idx = order[i:i + batch_size]
        yield x[idx], y[idx]


def train_step(net, loss_fn, trainer, X, y):
    """One step as d2l's timer counts it: forward, loss, backward, update and the step's metrics.
    Returns (summed loss, correct predictions)."""
    trainer.zero_grad()
    y_hat = net(X)
    l = loss_fn(y_hat, y)
    l.backward()
    trainer.step()
    with torch.no_grad():
        return l.item() * X.shape[0], (y_hat.argmax(dim=1) == y).sum().item()


def train(variant, data, args):
    x_train, y_train, x_test, y_test = data
    net, loss_fn, trainer = make(variant, args.init, args.init_seed, args.lr)
    train_seconds, examples_total = 0.0, 0
    print(f"{variant}: {args.epochs} epochs, {len(y_train)} train / {len(y_test)} test images, "
          f"batch {args.batch_size}, lr {args.lr}, init {args.init}, data-order seed {args.seed}")
    for epoch in range(1, args.epochs + 1):
        net.train()
        wall = time.perf_counter()
        loss_sum, correct, n, epoch_seconds = 0.0, 0, 0, 0.0
        for X, y in epoch_batches(x_train, y_train, args.seed, epoch, args.batch_size):
            t0 = time.perf_counter()
            step_loss, step_correct = train_step(net, loss_fn, trainer, X, y)
            epoch_seconds += time.perf_counter() - t0
            loss_sum += step_loss
            correct += step_correct
            n += X.shape[0]
        test_acc = evaluate(net, x_test, y_test, args.batch_size)
        train_seconds += epoch_seconds
        examples_total += n
        print(f"  epoch {epoch}: loss {loss_sum / n:.3f}, train acc {correct / n:.3f}, "
              f"test acc {test_acc:.3f}, {n / epoch_seconds:.1f} examples/sec, "
              f"train {epoch_seconds:.1f} s, wall {time.perf_counter() - wall:.1f} s", flush=True)
    threads = torch.get_num_threads()
    print(f"loss {loss_sum / n:.3f}, train acc {correct / n:.3f}, test acc {test_acc:.3f}")
    print(f"{examples_total / train_seconds:.1f} examples/sec on {cpu_name()}, "
          f"{threads} thread{'s' if threads != 1 else ''}", flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", default=os.environ.get("BNLAB_DATA_DIR", "/usr/share/datasets/fashion-mnist"))
    p.add_argument("--variant", choices=["scratch", "nn", "both"], default="both")
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--batch-size", type=int, default=256)
    p.add_argument("--lr", type=float, default=1.0)
    p.add_argument("--seed", type=int, default=42, help="data-order seed (bnlab Trainer.SEED)")
    p.add_argument("--init-seed", type=int, default=0, help="torch.manual_seed for the weights")
    p.add_argument("--init", choices=["pytorch", "xavier"], default="pytorch")
    p.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (0: PyTorch's default)")
    p.add_argument("--train-limit", type=int, default=60000)
    p.add_argument("--test-limit", type=int, default=10000)
    args = p.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    data = load(args.data, args.train_limit, args.test_limit)
    for variant in (["scratch", "nn"] if args.variant == "both" else [args.variant]):
        train(variant, data, args)


if __name__ == "__main__":
    main()
