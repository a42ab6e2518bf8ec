"""Our scratch LeNet-BN against PyTorch's, side by side (``scripts/bench.sh torch`` and ``profile``).

Runs under a throwaway PyTorch virtualenv OUTSIDE the project (never a project dependency);
scripts/bench.sh finds its python in BNLAB_TORCH_PYTHON and passes the Java command line after
``--``. The networks, the data and the batch order come from scripts/reference/torch_lenet_bn.py.

speed:   one JVM runs bnlab.bench.StepServer (our network); PyTorch runs in this process. After a
         warm-up, every round runs one block of steps per contender in turn (the order rotates
         each round), so noise hits all alike; reported: median examples/s over the rounds, the
         range, and the ratios ours / PyTorch.
profile: forward and backward milliseconds of each of the 16 layers of the PyTorch nn LeNet-BN
         step (each layer timed alone on the inputs and output gradients of a real step),
         printed next to ours from ``bnlab.bench.LayerProfile --tsv``; Java and PyTorch take
         turns, one measurement each per round. With ``--cpu`` both sides run one thread and
         count CPU time instead of wall time (``scripts/bench.sh cpu-profile``): on a machine
         other processes keep busy, wall time measures the queue for the cores, CPU time the work.

Both sides: batch 256, lr 1.0, 2 threads, OMP_WAIT_POLICY=PASSIVE, the first epoch's full
batches of the Trainer's seed-42 order, same IDX files (checked by a label checksum).

bn-server: PyTorch's batch norm alone, for ``scripts/bench.sh batchnorm`` (see bn_server); there
         the JVM (bnlab.bench.BatchNormBench) is the driver and starts this script as its child.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

THREADS = 2
torch = ref = None  # imported by import_torch(), after the OpenMP environment is set


def import_torch(reference: bool = True):
    """Imports torch with OpenMP told to sleep, not spin, while Java runs (read at import), and
    the reference LeNet-BN (scripts/reference/torch_lenet_bn.py, needs numpy) unless told not to."""
    global torch, ref
    os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
    os.environ["OMP_NUM_THREADS"] = str(THREADS)
    import torch as torch_module
    torch = torch_module
    if reference:
        sys.path.insert(0, str(Path(__file__).resolve().parent / "reference"))
        import torch_lenet_bn
        ref = torch_lenet_bn
    torch.set_num_threads(THREADS)

BATCH = 256
SEED = 42  # bnlab.train.Trainer.SEED
LAYERS = 16
TSV_HEADER = "bnlab-layer-profile"
TSV_VERSION = "1"


class BenchError(RuntimeError):
    """A contender misbehaved or the two sides disagree; the message says what and how to fix it."""


def first_epoch_batches(folder: str, count: int):
    """The first ``count`` full batches of epoch 1 (seed 42), as bnlab.bench.BenchData builds them."""
    x, y, _, _ = ref.load(folder, 60000, 0)
    batches = []
    for X, Y in ref.epoch_batches(x, y, SEED, 1, BATCH):
        if len(batches) == count:
            break
        if len(Y) == BATCH:
            batches.append((X.contiguous(), Y.contiguous()))
    return batches


def label_checksum(y) -> int:
    """bnlab.bench.BenchData.labelChecksum: sum of (i + 1) * y[i]."""
    return int(((torch.arange(len(y)) + 1) * y).sum().item())


def median(values):
    return statistics.median(values)


# ---------------------------------------------------------------------------------------- speed

class JavaContender:
    """Our network in a bnlab.bench.StepServer JVM, driven line by line."""

    name = "ours (BN Lab scratch)"

    def __init__(self, java_cmd: list[str], batches: int):
        self.proc = subprocess.Popen(java_cmd + ["bnlab.bench.StepServer", str(batches)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                     bufsize=1)
        first = self._read()
        if not first.startswith("ready "):
            raise BenchError(f"StepServer did not start (said {first!r}); run "
                             "`mvn -B package -DskipTests` and see its stderr above.")
        _, n, self.setup = first.split(" ", 2)
        if int(n) != batches:
            raise BenchError(f"StepServer has {n} batches, PyTorch {batches}: the data differ.")

    def _read(self) -> str:
        line = self.proc.stdout.readline()
        if not line:
            raise BenchError(f"StepServer exited (code {self.proc.poll()}); see its stderr above.")
        return line.strip()

    def block(self, steps: int):
        self.proc.stdin.write(f"train {steps}\n")
        self.proc.stdin.flush()
        reply = self._read().split()
        if reply[0] != "done" or len(reply) != 5:
            raise BenchError("StepServer: " + " ".join(reply))
        return float(reply[1]), float(reply[2]), int(reply[3]), float(reply[4])

    def close(self):
        if self.proc.poll() is None:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.flush()
            self.proc.wait(timeout=30)


class TorchContender:
    """One PyTorch variant (``nn`` or ``scratch``) stepping through the shared batch list."""

    def __init__(self, variant: str, batches):
        self.name = {"nn": "PyTorch nn.BatchNorm", "scratch": "PyTorch d2l scratch BN"}[variant]
        self.net, self.loss_fn, self.trainer = ref.make(variant)
        self.net.train()
        self.batches = batches
        self.next = 0

    def block(self, steps: int):
        checksum, seconds, cpu, loss = 0, 0.0, 0.0, float("nan")
        for _ in range(steps):
            X, y = self.batches[self.next % len(self.batches)]
            self.next += 1
            c0, t0 = time.process_time(), time.perf_counter()
            loss_sum, _ = ref.train_step(self.net, self.loss_fn, self.trainer, X, y)
            seconds += time.perf_counter() - t0
            cpu += time.process_time() - c0
            loss = loss_sum / len(y)
            checksum += label_checksum(y)
        return seconds, loss, checksum, cpu


def speed(args, java_cmd):
    batches = first_epoch_batches(args.data, args.batches)
    java = JavaContender(java_cmd, len(batches))
    try:
        contenders = [java, TorchContender("nn", batches), TorchContender("scratch", batches)]
        print(java.setup)
        print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads; ours: JVM with "
              f"{THREADS} threads requested (OMP_NUM_THREADS); OMP_WAIT_POLICY=PASSIVE both")
        print(f"LeNet-BN training, batch {BATCH}, lr 1.0, {len(batches)} real Fashion-MNIST "
              f"batches in Trainer order; {args.warmup} warm-up block(s), then {args.rounds} rounds "
              f"of {args.steps} steps per contender, in turn (order rotating)", flush=True)
        for c in contenders:
            for _ in range(args.warmup):
                c.block(args.steps)
        rates = {c.name: [] for c in contenders}
        cpu_rates = {c.name: [] for c in contenders}
        losses = {}
        for r in range(args.rounds):
            order = contenders[r % 3:] + contenders[:r % 3]
            sums = set()
            for c in order:
                seconds, loss, checksum, cpu = c.block(args.steps)
                rates[c.name].append(args.steps * BATCH / seconds)
                cpu_rates[c.name].append(args.steps * BATCH / cpu)
                losses[c.name] = loss
                sums.add(checksum)
            if len(sums) != 1:
                raise BenchError("the contenders trained on different batches (label checksums "
                                 f"{sorted(sums)}): Java and PyTorch read different data files; "
                                 "point both at one folder with BNLAB_DATA_DIR.")
        print()
        med = {}
        for name, values in rates.items():
            med[name] = median(values)
            print(f"  {name:<24} median {med[name]:8.1f} examples/s  (range {min(values):.1f} .. "
                  f"{max(values):.1f}); {median(cpu_rates[name]):7.1f} examples per CPU-second; "
                  f"loss of the last step {losses[name]:.3f}")
        ours = med[java.name]

        def paired(name):  # the median of the rounds' own ratios: noise that hits a round cancels
            return median(o / t for o, t in zip(rates[java.name], rates[name]))

        r_nn = ours / med["PyTorch nn.BatchNorm"]
        r_scratch = ours / med["PyTorch d2l scratch BN"]
        cpu_med = {name: median(values) for name, values in cpu_rates.items()}
        r_cpu = cpu_med[java.name] / cpu_med["PyTorch nn.BatchNorm"]
        print(f"  ours / PyTorch nn      = {r_nn:.2f} (median of the rounds' ratios "
              f"{paired('PyTorch nn.BatchNorm'):.2f}), per CPU-second {r_cpu:.2f}; targets >= 2.0 and "
              f">= 1.5 per CPU-second: {'met' if r_nn >= 2.0 and r_cpu >= 1.5 else 'MISSED'}")
        print(f"  ours / PyTorch scratch = {r_scratch:.2f} (median of the rounds' ratios "
              f"{paired('PyTorch d2l scratch BN'):.2f})")
        print("  (examples/s is wall time; examples per CPU-second counts all threads of the process "
              "and moves less when other processes share the cores)")
    finally:
        java.close()


# ------------------------------------------------------------------------------------ bn-server

def bn_server(requests, replies):
    """PyTorch's BN timed on request, for bnlab.bench.BatchNormBench (its child process).

    Protocol, one line each way (anything else goes to stderr):

        -> ready <torch version> <threads>                 once, after torch is imported
        <- shape <N> <C> [<H> <W>]                          nn.BatchNorm2d (4 dims) or BatchNorm1d (2),
        -> ok                                               training mode; input randn*2+0.5 and a fixed
                                                            upstream gradient randn (seed 42), float
        <- forward <calls> | forward+backward <calls>
        -> done <ms per call>                               the calls alone, timed here
        <- quit
    forward is the layer's forward as training runs it (autograd recording, running statistics
    updated); forward+backward adds the gradients of the input, weight and bias for the fixed
    upstream gradient (torch.autograd.grad, so nothing accumulates between calls). A bad request
    gets ``error <what>``.
    """
    def say(line: str):
        replies.write(line + "\n")
        replies.flush()

    def forward():
        bn(x)

    def forward_backward():
        torch.autograd.grad(bn(x), inputs, dy)

    say(f"ready {torch.__version__} {torch.get_num_threads()}")
    bn = x = dy = inputs = None
    for line in requests:
        cmd = line.split()
        if not cmd:
            continue
        if cmd[0] == "quit":
            break
        try:
            if cmd[0] == "shape" and len(cmd) in (3, 5):
                dims = [positive(d) for d in cmd[1:]]
                torch.manual_seed(SEED)
                bn = (torch.nn.BatchNorm2d if len(dims) == 4 else torch.nn.BatchNorm1d)(dims[1]).train()
                x = (torch.randn(dims) * 2 + 0.5).requires_grad_()
                dy = torch.randn(dims)
                inputs = [x, bn.weight, bn.bias]
                say("ok")
            elif cmd[0] in ("forward", "forward+backward") and len(cmd) == 2 and bn is not None:
                calls = positive(cmd[1])
                step = forward if cmd[0] == "forward" else forward_backward
                t0 = time.perf_counter()
                for _ in range(calls):
                    step()
                say(f"done {(time.perf_counter() - t0) * 1e3 / calls:.6f}")
            else:
                say(f"error unexpected {line.strip()!r} (expected 'shape <dims>' first, then "
                    "'forward <calls>', 'forward+backward <calls>' or 'quit')")
        except argparse.ArgumentTypeError as e:
            say(f"error {e}")


# -------------------------------------------------------------------------------------- profile

def parse_layer_profile(text: str):
    """The layer lines and the whole-step line of ``LayerProfile --tsv`` (contract v1):

        # comment lines (ignored)
        bnlab-layer-profile<TAB>1<TAB><steps measured><TAB><batch>
        layer<TAB><index from 1><TAB><name><TAB><forward ms><TAB><backward ms>    one per layer
        step<TAB><median ms of a whole step><TAB><examples/s>
    """
    header, layers, step = None, [], None
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        f = line.rstrip("\n").split("\t")
        try:
            if f[0] == TSV_HEADER and header is None:
                if f[1] != TSV_VERSION:
                    raise BenchError(f"LayerProfile speaks contract v{f[1]}, this printer v{TSV_VERSION}")
                header = (int(f[2]), int(f[3]))
            elif f[0] == "layer" and header is not None and step is None and len(f) == 5:
                if int(f[1]) != len(layers) + 1:
                    raise ValueError(f"layer index {f[1]}, expected {len(layers) + 1}")
                layers.append((f[2], float(f[3]), float(f[4])))
            elif f[0] == "step" and header is not None and step is None and len(f) == 3:
                step = float(f[1])
            else:
                raise ValueError("not in the contract here")
        except (ValueError, IndexError) as e:
            raise BenchError(f"LayerProfile --tsv line {n} {line!r}: {e}. Expected: a "
                             f"'{TSV_HEADER}\\t{TSV_VERSION}\\t<steps>\\t<batch>' header, then "
                             "'layer\\t<i>\\t<name>\\t<fwd ms>\\t<bwd ms>' lines, then one "
                             "'step\\t<ms>\\t<examples/s>' line (see bnlab.bench.LayerProfile).")
    if header is None or step is None:
        raise BenchError("LayerProfile --tsv printed no header or no step line; its output was:\n"
                         + text)
    if len(layers) != LAYERS:
        raise BenchError(f"LayerProfile --tsv listed {len(layers)} layers, the LeNet-BN has {LAYERS}")
    return layers, step


CLOCK = time.perf_counter  # time.process_time with --cpu (one thread: the process's CPU time is the layer's)


def torch_layer_profile(batches, steps: int):
    """Per-layer forward/backward ms of the nn LeNet-BN, and the whole-step ms, as medians.

    Each step is a real training step (timed as a whole); then every layer runs once more
    alone, on a detached copy of the input it saw (requiring grad except for the images, as in
    the step) and is back-propagated with the output gradient it got, timed separately.
    """
    net, loss_fn, trainer = ref.make("nn")
    net.train()
    layers = list(net)
    fwd = [[] for _ in layers]
    bwd = [[] for _ in layers]
    whole = []
    for s in range(steps):
        X, y = batches[s % len(batches)]
        t0 = CLOCK()
        ref.train_step(net, loss_fn, trainer, X, y)
        whole.append((CLOCK() - t0) * 1e3)
        # inputs of each layer and gradients of the loss w.r.t. each layer's output
        acts = [X]
        for m in layers:
            acts.append(m(acts[-1]))
            acts[-1].retain_grad()
        trainer.zero_grad()
        loss_fn(acts[-1], y).backward()
        grads = [a.grad for a in acts[1:]]
        for i, m in enumerate(layers):
            x = acts[i].detach().requires_grad_(i > 0)
            for p in m.parameters():
                p.grad = None  # a real step starts from zero_grad(set_to_none=True)
            t0 = CLOCK()
            out = m(x)
            t1 = CLOCK()
            out.backward(grads[i])
            t2 = CLOCK()
            fwd[i].append((t1 - t0) * 1e3)
            bwd[i].append((t2 - t1) * 1e3)
    skip = steps // 3
    return ([(type(m).__name__, median(f[skip:]), median(b[skip:])) for m, f, b in zip(layers, fwd, bwd)],
            median(whole[skip:]))


def profile(args, java_cmd):
    batches = first_epoch_batches(args.data, args.batches)
    ours_runs, torch_runs = [], []
    setup = ""
    for r in range(args.rounds):
        run = subprocess.run(java_cmd + ["bnlab.bench.LayerProfile", str(args.steps), "--tsv"]
                             + (["--cpu"] if args.cpu else []), stdout=subprocess.PIPE, text=True)
        if run.returncode != 0:
            raise BenchError(f"LayerProfile exited with {run.returncode}; see its stderr above.")
        setup = next((l[2:] for l in run.stdout.splitlines() if l.startswith("# ")), setup)
        ours_runs.append(parse_layer_profile(run.stdout))
        torch_runs.append(torch_layer_profile(batches, args.steps))
        print(f"round {r + 1}/{args.rounds}: ours step {ours_runs[-1][1]:.1f} ms, "
              f"PyTorch nn step {torch_runs[-1][1]:.1f} ms", flush=True)

    def med(runs, i, k):
        return median(run[0][i][k] for run in runs)

    print(setup)
    print(f"PyTorch {torch.__version__}, {THREADS} thread(s) each; batch {BATCH}; per layer the "
          f"median over {args.rounds} rounds of per-round medians ({args.steps} steps, first third "
          "skipped); " + ("CPU time of one thread" if args.cpu else "wall time"))
    for i in range(LAYERS):
        ours_type, torch_type = ours_runs[0][0][i][0].split("(")[0], torch_runs[0][0][i][0]
        if not torch_type.startswith(ours_type):
            raise BenchError(f"layer {i + 1} is {ours_type} in ours but {torch_type} in PyTorch: "
                             "the two LeNet-BNs no longer match layer for layer.")
    print(f"\n{'#':>2} {'layer (ours)':<40} {'PyTorch':<12} {'ours fwd':>8} {'ours bwd':>8} "
          f"{'torch fwd':>9} {'torch bwd':>9} {'ours/torch':>10}")
    sums = [0.0, 0.0, 0.0, 0.0]
    for i in range(LAYERS):
        of, ob = med(ours_runs, i, 1), med(ours_runs, i, 2)
        tf, tb = med(torch_runs, i, 1), med(torch_runs, i, 2)
        for k, v in enumerate((of, ob, tf, tb)):
            sums[k] += v
        ratio = (of + ob) / (tf + tb) if tf + tb > 0 else float("inf")
        print(f"{i + 1:>2} {short(ours_runs[0][0][i][0], 40):<40} {torch_runs[0][0][i][0]:<12} "
              f"{of:8.3f} {ob:8.3f} {tf:9.3f} {tb:9.3f} {ratio:9.2f}x")
    print(f"   {'sum of layers':<53} {sums[0]:8.3f} {sums[1]:8.3f} {sums[2]:9.3f} {sums[3]:9.3f} "
          f"{(sums[0] + sums[1]) / (sums[2] + sums[3]):9.2f}x")
    ours_step = median(run[1] for run in ours_runs)
    torch_step = median(run[1] for run in torch_runs)
    print(f"whole step (median): ours {ours_step:.2f} ms ({BATCH / ours_step * 1e3:.0f} examples/s), "
          f"PyTorch nn {torch_step:.2f} ms ({BATCH / torch_step * 1e3:.0f} examples/s); "
          f"ours/PyTorch time {ours_step / torch_step:.2f}x")
    print("ours/torch = (fwd + bwd) time of ours over PyTorch's: above 1 means ours is slower.")


def short(name: str, width: int) -> str:
    name = " ".join(name.split())
    return name if len(name) <= width else name[:width - 1] + "…"


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv == ["bn-server"]:  # started by bnlab.bench.BatchNormBench; needs neither data nor numpy
        import_torch(reference=False)
        bn_server(sys.stdin, sys.stdout)
        return
    if "--" not in argv:
        sys.exit("bench_torch.py: pass the Java command after '--' (scripts/bench.sh does).")
    cut = argv.index("--")
    java_cmd = argv[cut + 1:]
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("mode", choices=["speed", "profile"])
    p.add_argument("--rounds", type=positive, default=None)
    p.add_argument("--steps", type=positive, default=None)
    # Fifteen blocks (300 steps at the default 20 a block): the JVM's JIT keeps compiling our step's code until about
    # step 300 (compile time per block of 20 steps measured on a shared 2-core machine: 0.1-2 s
    # up to step 280, under 0.05 s after), and the process CPU per step in steps 100-280 was
    # 26 ms against 22-23 ms after step 300; with 5 blocks the rounds measured that compilation.
    p.add_argument("--warmup", type=positive, default=15, help="warm-up blocks per contender (speed)")
    p.add_argument("--cpu", action="store_true", help="profile: one thread each, CPU time instead of wall time")
    p.add_argument("--batches", type=positive, default=234, help="distinct batches to cycle over")
    p.add_argument("--data", default=os.environ.get("BNLAB_DATA_DIR", "/usr/share/datasets/fashion-mnist"))
    args = p.parse_args(argv[:cut])
    if not Path(args.data, "train-images-idx3-ubyte.gz").exists():
        sys.exit(f"bench_torch.py: no gzipped Fashion-MNIST IDX files in {args.data}: set "
                 "BNLAB_DATA_DIR to the folder that holds them (Debian: apt-get install "
                 "dataset-fashion-mnist).")
    if args.cpu:
        if args.mode != "profile":
            sys.exit("bench_torch.py: --cpu is for the profile only")
        global THREADS, CLOCK
        THREADS, CLOCK = 1, time.process_time
        java_cmd = java_cmd[:1] + ["-Dbnlab.threads=1"] + java_cmd[1:]
    import_torch()
    try:
        if args.mode == "speed":
            args.rounds, args.steps = args.rounds or 9, args.steps or 20
            speed(args, java_cmd)
        else:
            # Each round is a fresh JVM, and the first third of its steps is skipped: with 60 steps
            # the rest was still the JIT warming up (whole step 13.4 ms at 512-bit, 16.9 ms at AVX2,
            # where the warm speed bench runs 7.7 and 9.4 ms; 240 steps measured 7.67 and 9.44).
            args.rounds, args.steps = args.rounds or 3, args.steps or 240
            profile(args, java_cmd)
    except BenchError as e:
        sys.exit(f"bench_torch.py: {e}")


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number >= 1")
    return value


if __name__ == "__main__":
    main()
