package bnlab.bench;

import bnlab.nn.BatchNorm;
import bnlab.nn.BatchNormFunction;
import bnlab.nn.Sequential;
import bnlab.nn.kernel.FastLayer;
import bnlab.nn.kernel.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Our batch norm against a plain copy of the same array and against the framework — ND4J's
 * built-in ops with preallocated outputs, and DL4J's BatchNormalization layer — in one process,
 * interleaved, medians. "ours" is what training runs: the layer's twin in the fast engine, on a
 * heap tensor; "ours as written" is the layer's own forward (double-precision loops over ND4J
 * buffers, new arrays per call). The targets are checked against a copy ({@code x.dup()}) and
 * the faster framework variant; the ratio to a copy into an existing array is printed too.
 * With {@code --torch <python>} (scripts/bench.sh passes {@code BNLAB_TORCH_PYTHON} when it
 * imports torch), PyTorch's {@code nn.BatchNorm2d}/{@code BatchNorm1d} joins the rounds from a
 * child process ({@link TorchBatchNorm}), timed there, in turn with ours; the targets then
 * include "faster than PyTorch's BN".
 * Run with {@code scripts/bench.sh batchnorm [rounds]}.
 */
public final class BatchNormBench {

    /** The "plain copy" the batch-norm targets are measured against: x.dup(), freed at once so no garbage-collector cost lands on it. */
    private static final String COPY = "copy (x.dup(), freed)";
    /** The memory floor proper: one pass of reads and writes, no allocation. */
    private static final String FLOOR = "copy into an existing array";

    private static final String TORCH_FWD = "PyTorch forward";
    private static final String TORCH_FWD_BWD = "PyTorch forward+backward";

    public static void main(String[] args) {
        int rounds = 15;
        String python = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--torch") && i + 1 < args.length) {
                python = args[++i];
            } else {
                rounds = BenchArgs.positive("rounds", args[i]);
            }
        }
        try (TorchBatchNorm torch = python == null ? null : startTorch(python)) {
            System.out.println(bnlab.Lab.setup());
            System.out.printf(
                    "threads: ND4J OMP %s, OMP_WAIT_POLICY=%s%n",
                    Nd4j.getEnvironment().maxMasterThreads(), System.getenv("OMP_WAIT_POLICY"));
            if (torch == null) {
                System.out.println("PyTorch's BN: not measured; to measure it, name a python that imports torch "
                        + "in BNLAB_TORCH_PYTHON (e.g. BNLAB_TORCH_PYTHON=/tmp/torchenv/bin/python "
                        + "scripts/bench.sh batchnorm; README.md, Benchmarks, says how to make one)");
            } else {
                System.out.printf(
                        "PyTorch's BN: torch %s in a child process, %d threads, OMP_WAIT_POLICY=PASSIVE, "
                                + "training mode with autograd; forward+backward = backward of a fixed upstream gradient "
                                + "(dX, dgamma, dbeta); its rounds alternate with ours%n",
                        torch.version, torch.threads);
            }
            boolean pass = true;
            pass &= bench(new long[] {256, 6, 24, 24}, rounds, 20, torch);
            pass &= bench(new long[] {256, 120}, rounds, 200, torch);
            System.out.println((pass ? "ALL TARGETS MET" : "SOME TARGETS MISSED")
                    + (torch == null ? " (PyTorch's BN not measured)" : ""));
        }
    }

    /** PyTorch's side, or exit 2 with the reason when the python cannot serve it. */
    private static TorchBatchNorm startTorch(String python) {
        try {
            return new TorchBatchNorm(python);
        } catch (java.io.IOException e) {
            System.err.println("bench batchnorm: " + e.getMessage());
            System.exit(2);
            throw new AssertionError(e);
        }
    }

    private static boolean bench(long[] shape, int rounds, int calls, TorchBatchNorm torch) {
        int c = (int) shape[1];
        Nd4j.getRandom().setSeed(42);
        INDArray x = Nd4j.randn(DataType.FLOAT, shape).muli(2).addi(0.5);
        INDArray dY = Nd4j.randn(DataType.FLOAT, shape);
        BatchNorm asWritten = new BatchNorm(c, shape.length);
        FastLayer ours = new Sequential(new BatchNorm(c, shape.length)).engine().get(0);
        Tensor xt = Tensor.copyOf(x, null);
        Tensor dYt = Tensor.copyOf(dY, null);
        float[] heapCopy = new float[xt.size()];
        Dl4jBatchNorm dl4j = new Dl4jBatchNorm(c);
        BatchNorm readable = new BatchNorm(c, shape.length);
        INDArray target = x.ulike();
        Nd4jBatchNormOps nd4j = new Nd4jBatchNormOps(shape);
        Timer t = new Timer()
                .add(COPY, () -> x.dup().close())
                .add(FLOOR, () -> target.assign(x))
                .add("heap array copy", () -> System.arraycopy(xt.data, 0, heapCopy, 0, heapCopy.length))
                .add("ours forward", () -> ours.forward(xt))
                .add("ours forward+backward", () -> {
                    ours.forward(xt);
                    ours.backward(dYt);
                })
                .add("ours as written, forward", () -> asWritten.forward(x))
                .add("ND4J ops forward", () -> nd4j.forward(x))
                .add("ND4J ops forward+backward", () -> {
                    nd4j.forward(x);
                    nd4j.backward(x, dY);
                })
                .add("DL4J layer forward", () -> dl4j.forward(x, true))
                .add("DL4J layer forward+backward", () -> {
                    dl4j.forward(x, true);
                    dl4j.backward(dY);
                })
                .add(
                        "d2l-style ND4J ops forward",
                        () -> d2lStyle(
                                x, readable.gamma(), readable.beta(), readable.movingMean(), readable.movingVar()));
        if (torch != null) {
            torch.shape(shape);
            t.addTimed(TORCH_FWD, n -> torch.msPerCall("forward", n))
                    .addTimed(TORCH_FWD_BWD, n -> torch.msPerCall("forward+backward", n));
        }
        t.run(Math.max(3, calls / 2), rounds, calls);
        System.out.printf(
                "%nshape %s, float, training mode: median ms/call over %d rounds of %d calls%n",
                java.util.Arrays.toString(shape), rounds, calls);
        double copy = t.median(COPY);
        double floor = t.median(FLOOR);
        for (String name : t.names()) {
            System.out.printf(
                    "  %-30s %8.3f ms  (%s)  %6.2f x copy  %6.2f x floor%n",
                    name, t.median(name), t.spread(name), t.median(name) / copy, t.median(name) / floor);
        }
        double fwd = t.median("ours forward") / copy;
        double fwdBwd = t.median("ours forward+backward") / copy;
        double frameworkFwd = Math.min(t.median("ND4J ops forward"), t.median("DL4J layer forward"));
        double frameworkFwdBwd =
                Math.min(t.median("ND4J ops forward+backward"), t.median("DL4J layer forward+backward"));
        double vsFwd = t.median("ours forward") / frameworkFwd;
        double vsFwdBwd = t.median("ours forward+backward") / frameworkFwdBwd;
        boolean ok = fwd <= 3 && fwdBwd <= 6 && vsFwd <= 1 && vsFwdBwd <= 1;
        String vsTorch = "faster than PyTorch's BN: not measured";
        if (torch != null) {
            double torchFwd = t.median("ours forward") / t.median(TORCH_FWD);
            double torchFwdBwd = t.median("ours forward+backward") / t.median(TORCH_FWD_BWD);
            System.out.printf(
                    "  PyTorch %s: forward %.3f ms, forward+backward %.3f ms; ours: forward %.3f ms, "
                            + "forward+backward %.3f ms%n",
                    TorchBatchNorm.layer(shape),
                    t.median(TORCH_FWD),
                    t.median(TORCH_FWD_BWD),
                    t.median("ours forward"),
                    t.median("ours forward+backward"));
            System.out.printf(
                    "  ours / PyTorch: forward %.2f (median of the rounds' ratios %.2f), forward+backward "
                            + "%.2f (%.2f)%n",
                    torchFwd,
                    t.pairedRatio("ours forward", TORCH_FWD),
                    torchFwdBwd,
                    t.pairedRatio("ours forward+backward", TORCH_FWD_BWD));
            ok &= torchFwd < 1 && torchFwdBwd < 1;
            vsTorch = String.format(
                    "faster than PyTorch's BN: forward %.2f, forward+backward %.2f (< 1.0)", torchFwd, torchFwdBwd);
        }
        System.out.printf(
                "  ratios: forward %.2f x copy (target <= 3), forward+backward %.2f x copy (<= 6), "
                        + "ours / faster framework variant: forward %.2f, forward+backward %.2f (<= 1.0), %s -> %s%n",
                fwd, fwdBwd, vsFwd, vsFwdBwd, vsTorch, ok ? "met" : "MISSED");
        System.out.printf(
                "  against the floor (copy into an existing array): forward %.2f x, forward+backward %.2f x%n",
                t.median("ours forward") / floor, t.median("ours forward+backward") / floor);
        return ok;
    }

    /**
     * Notebook 2's {@code batchNorm} in training mode, d2l's code line for line with ND4J ops on
     * whole tensors (new arrays at every step): the naive contender.
     */
    static INDArray[] d2lStyle(INDArray x, INDArray gamma, INDArray beta, INDArray movingMean, INDArray movingVar) {
        int[] axes = x.rank() == 2 ? new int[] {0} : new int[] {0, 2, 3};
        long[] perChannel = x.rank() == 2 ? new long[] {1, x.size(1)} : new long[] {1, x.size(1), 1, 1};
        INDArray mean = x.mean(true, axes);
        INDArray var = Transforms.pow(x.sub(mean), 2).mean(true, axes);
        INDArray xHat = x.sub(mean).div(Transforms.sqrt(var.add(BatchNormFunction.EPS)));
        INDArray y = xHat.mul(gamma.reshape(perChannel)).add(beta.reshape(perChannel));
        double m = BatchNormFunction.MOMENTUM;
        return new INDArray[] {
            y,
            movingMean.mul(m).add(mean.reshape(movingMean.shape()).mul(1 - m)),
            movingVar.mul(m).add(var.reshape(movingVar.shape()).mul(1 - m))
        };
    }
}
