package bnlab.bench;

import bnlab.nn.BatchNorm;
import bnlab.nn.BatchNormFunction;
import bnlab.nn.Mode;
import bnlab.nn.ReadableBatchNorm;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Issue 4's speed check: our batch norm against a plain copy of the same array (the memory
 * floor) and against DL4J's BatchNormalization layer, in one process, interleaved, medians.
 * Run with {@code scripts/bench.sh batchnorm}.
 */
public final class BatchNormBench {

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
        BatchNorm ours = new BatchNorm(c, shape.length);
        Dl4jBatchNorm dl4j = new Dl4jBatchNorm(c);
        BatchNorm readable = new BatchNorm(c, shape.length);
        INDArray target = x.ulike();
        Timer t = new Timer()
                .add("copy (x.dup())", x::dup)
                .add("copy into an array (assign)", () -> target.assign(x))
                .add("ours forward", () -> ours.forward(x))
                .add("ours forward+backward", () -> {
                    ours.forward(x);
                    ours.backward(dY);
                })
                .add("DL4J forward", () -> dl4j.forward(x, true))
                .add("DL4J forward+backward", () -> {
                    dl4j.forward(x, true);
                    dl4j.backward(dY);
                })
                .add("d2l-style ND4J ops forward", () -> ReadableBatchNorm.batchNorm(x, readable.gamma(),
                        readable.beta(), readable.movingMean(), readable.movingVar(),
                        BatchNormFunction.EPS, BatchNormFunction.MOMENTUM, Mode.TRAINING));
        t.run(Math.max(3, calls / 2), rounds, calls);
        System.out.printf("%nshape %s, float, training mode: median ms/call over %d rounds of %d calls%n",
                java.util.Arrays.toString(shape), rounds, calls);
        double copy = t.median("copy (x.dup())");
        for (String name : t.names()) {
            System.out.printf("  %-28s %8.3f ms  (%s)  %5.2f x copy%n", name, t.median(name), t.spread(name),
                    t.median(name) / copy);
        }
        double fwd = t.median("ours forward") / copy;
        double fwdBwd = t.median("ours forward+backward") / copy;
        double vsFwd = t.median("ours forward") / t.median("DL4J forward");
        double vsFwdBwd = t.median("ours forward+backward") / t.median("DL4J forward+backward");
        boolean ok = fwd <= 3 && fwdBwd <= 6 && vsFwd <= 1 && vsFwdBwd <= 1;
        System.out.printf("  ratios: forward %.2f x copy (target <= 3), forward+backward %.2f x copy (<= 6), "
                + "ours/DL4J forward %.2f (<= 1.0), ours/DL4J forward+backward %.2f (<= 1.0) -> %s%n",
                fwd, fwdBwd, vsFwd, vsFwdBwd, ok ? "met" : "MISSED");
        return ok;
    }
}
