package bnlab.bench;

import bnlab.nn.BatchNorm;
import bnlab.nn.BatchNormFunction;
import bnlab.nn.Mode;
import bnlab.nn.ReadableBatchNorm;
import bnlab.nn.kernel.FastLayer;
import bnlab.nn.kernel.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Our batch norm against a plain copy of the same array and against the framework — ND4J's
 * built-in ops with preallocated outputs, and DL4J's BatchNormalization layer — in one process,
 * interleaved, medians. "ours" is what training runs: the layer's twin in the fast engine, on a
 * heap tensor; "ours as written" is the layer's own forward (double-precision loops over ND4J
 * buffers, new arrays per call). The targets are checked against a copy ({@code x.dup()}) and
 * the faster framework variant; the ratio to a copy into an existing array is printed too.
 * Run with {@code scripts/bench.sh batchnorm}.
 */
public final class BatchNormBench {

    /** The "plain copy": x.dup(), freed at once so no garbage-collector cost lands on it. */
    private static final String COPY = "copy (x.dup(), freed)";
    /** The memory floor proper: one pass of reads and writes, no allocation. */
    private static final String FLOOR = "copy into an existing array";

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        System.out.println(bnlab.Lab.setup());
        System.out.printf("threads: ND4J OMP %s, OMP_WAIT_POLICY=%s%n",
                Nd4j.getEnvironment().maxMasterThreads(), System.getenv("OMP_WAIT_POLICY"));
        boolean pass = true;
        pass &= bench(new long[] {256, 6, 24, 24}, rounds, 20);
        pass &= bench(new long[] {256, 120}, rounds, 200);
        System.out.println(pass ? "ALL TARGETS MET" : "SOME TARGETS MISSED");
    }

    private static boolean bench(long[] shape, int rounds, int calls) {
        int c = (int) shape[1];
        Nd4j.getRandom().setSeed(42);
        INDArray x = Nd4j.randn(DataType.FLOAT, shape).muli(2).addi(0.5);
        INDArray dY = Nd4j.randn(DataType.FLOAT, shape);
        BatchNorm asWritten = new BatchNorm(c, shape.length);
        FastLayer ours = new BatchNorm(c, shape.length).fastLayer();
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
                .add("d2l-style ND4J ops forward", () -> ReadableBatchNorm.batchNorm(x, readable.gamma(),
                        readable.beta(), readable.movingMean(), readable.movingVar(),
                        BatchNormFunction.EPS, BatchNormFunction.MOMENTUM, Mode.TRAINING));
        t.run(Math.max(3, calls / 2), rounds, calls);
        System.out.printf("%nshape %s, float, training mode: median ms/call over %d rounds of %d calls%n",
                java.util.Arrays.toString(shape), rounds, calls);
        double copy = t.median(COPY);
        double floor = t.median(FLOOR);
        for (String name : t.names()) {
            System.out.printf("  %-30s %8.3f ms  (%s)  %6.2f x copy  %6.2f x floor%n", name, t.median(name),
                    t.spread(name), t.median(name) / copy, t.median(name) / floor);
        }
        double fwd = t.median("ours forward") / copy;
        double fwdBwd = t.median("ours forward+backward") / copy;
        double frameworkFwd = Math.min(t.median("ND4J ops forward"), t.median("DL4J layer forward"));
        double frameworkFwdBwd = Math.min(t.median("ND4J ops forward+backward"), t.median("DL4J layer forward+backward"));
        double vsFwd = t.median("ours forward") / frameworkFwd;
        double vsFwdBwd = t.median("ours forward+backward") / frameworkFwdBwd;
        boolean ok = fwd <= 3 && fwdBwd <= 6 && vsFwd <= 1 && vsFwdBwd <= 1;
        System.out.printf("  ratios: forward %.2f x copy (target <= 3), forward+backward %.2f x copy (<= 6), "
                + "ours / faster framework variant: forward %.2f, forward+backward %.2f (<= 1.0) -> %s%n",
                fwd, fwdBwd, vsFwd, vsFwdBwd, ok ? "met" : "MISSED");
        System.out.printf("  against the floor (copy into an existing array): forward %.2f x, forward+backward %.2f x%n",
                t.median("ours forward") / floor, t.median("ours forward+backward") / floor);
        return ok;
    }
}
