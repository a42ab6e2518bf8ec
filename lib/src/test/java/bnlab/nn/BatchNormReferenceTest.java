package bnlab.nn;

import static bnlab.nn.BatchNormTesting.assertClose;
import static bnlab.nn.BatchNormTesting.perChannelShape;
import static org.junit.jupiter.api.Assertions.assertSame;

import bnlab.Tolerances;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Our float batch norm against two independent references, on the same inputs, in training and
 * inference mode, forward (y, moving statistics) and backward (dX, dGamma, dBeta):
 * <ol>
 * <li>DL4J's own {@code BatchNormalization} layer, driven directly (eps 1e-5, decay 0.9 = our
 *     momentum: DL4J also writes {@code global = decay·global + (1 − decay)·batch}, with the
 *     biased batch variance). Its params are "gamma", "beta", "mean", "var" (the global, i.e.
 *     moving, statistics, set here for inference). DL4J does not update "mean"/"var" in the
 *     forward pass: backprop returns a "gradient" g = (1 − decay)·(global − batch) that the
 *     updater subtracts, so its new moving value is global − g.
 *     <br>In inference mode DL4J's backprop still differentiates through batch statistics (it is
 *     only ever used for training; libnd4j's {@code batchnorm_bp} does the same), so its dX is
 *     not the inference gradient γ/√(σ²+ε)·dY: there DL4J is the reference for y, dGamma and
 *     dBeta only, and dX is checked against SameDiff (and, in double, finite differences).</li>
 * <li>SameDiff automatic differentiation of the formula written out with SameDiff ops. X is a
 *     variable, not a placeholder: placeholders get no gradient in M2.1.</li>
 * </ol>
 */
class BatchNormReferenceTest {

    /** max |ours − reference| / (1 + max |reference|): float arithmetic on both sides. */
    static final double EPS = 1e-5;

    static final double MOMENTUM = 0.9;
    static final DataType F = DataType.FLOAT;

    static List<long[]> shapes() {
        return List.of(
                new long[] {16, 5}, new long[] {7, 1}, new long[] {4, 3, 5, 5}, new long[] {2, 1, 5, 7}, new long[] {
                    3, 4, 1, 1
                });
    }

    /** What one implementation produced; null where it has no meaningful value. */
    record Out(INDArray y, INDArray movingMean, INDArray movingVar, INDArray dX, INDArray dGamma, INDArray dBeta) {}

    @ParameterizedTest
    @MethodSource("shapes")
    void agreesWithDl4jAndSameDiff(long[] shape) {
        int c = (int) shape[1];
        long[] pc = perChannelShape(c, shape.length);
        for (Mode mode : Mode.values()) {
            Nd4j.getRandom().setSeed(31 + shape[0] * 7 + shape.length);
            INDArray x = Nd4j.randn(F, shape).muli(2.5f).addi(-0.8f);
            INDArray gamma = Nd4j.rand(F, pc).addi(0.5f);
            INDArray beta = Nd4j.randn(F, pc);
            INDArray mm = Nd4j.randn(F, pc);
            INDArray mv = Nd4j.rand(F, pc).muli(2).addi(0.3f);
            INDArray dY = Nd4j.randn(F, shape);

            BatchNormResult r = BatchNormFunction.batchNorm(x, gamma, beta, mm, mv, EPS, MOMENTUM, mode);
            BatchNormGradients g = BatchNormFunction.batchNormBackward(dY, r, gamma);
            Out ours = new Out(r.y(), r.movingMean(), r.movingVar(), g.dX(), g.dGamma(), g.dBeta());
            if (mode == Mode.INFERENCE) {
                assertSame(mm, r.movingMean());
                assertSame(mv, r.movingVar());
            }
            String what = mode + " " + Arrays.toString(shape);
            compare("DL4J", ours, dl4j(x, gamma, beta, mm, mv, dY, mode), what);
            compare("SameDiff", ours, sameDiff(x, gamma, beta, mm, mv, dY, mode), what);
        }
    }

    /** Largest deviation per reference and quantity, over all cases, printed in the test log (the figure quoted in the README and the notebooks). */
    static final Map<String, Double> WORST = new ConcurrentSkipListMap<>();

    static void compare(String ref, Out ours, Out theirs, String what) {
        check(ref, "y", ours.y, theirs.y, what);
        check(ref, "moving mean", ours.movingMean, theirs.movingMean, what);
        check(ref, "moving var", ours.movingVar, theirs.movingVar, what);
        check(ref, "dX", ours.dX, theirs.dX, what);
        check(ref, "dGamma", ours.dGamma, theirs.dGamma, what);
        check(ref, "dBeta", ours.dBeta, theirs.dBeta, what);
    }

    static void check(String ref, String quantity, INDArray ours, INDArray theirs, String what) {
        if (theirs == null) {
            return;
        }
        double dev = assertClose(
                theirs.reshape(ours.shape()), ours, Tolerances.FLOAT_LIBRARY, ref + " " + quantity + " " + what);
        WORST.merge(ref + " " + quantity, dev, Math::max);
    }

    @AfterAll
    static void report() {
        WORST.forEach((k, v) -> System.out.printf(
                "largest deviation vs %-20s %.2e  (tolerance %.0e)%n", k, v, Tolerances.FLOAT_LIBRARY));
    }

    /** DL4J's BatchNormalization layer on its own, as bench/Dl4jBatchNorm drives it. */
    static Out dl4j(INDArray x, INDArray gamma, INDArray beta, INDArray mm, INDArray mv, INDArray dY, Mode mode) {
        int c = (int) x.size(1);
        NeuralNetConfiguration conf = new NeuralNetConfiguration.Builder()
                .layer(new BatchNormalization.Builder()
                        .nIn(c)
                        .nOut(c)
                        .eps(EPS)
                        .decay(MOMENTUM)
                        .useLogStd(false)
                        .build())
                .build();
        long numParams = conf.getLayer().initializer().numParams(conf);
        Layer layer = conf.getLayer().instantiate(conf, null, 0, Nd4j.create(F, 1, numParams), true, F);
        layer.setBackpropGradientsViewArray(Nd4j.create(F, 1, numParams));
        layer.setParam("gamma", gamma.reshape(c));
        layer.setParam("beta", beta.reshape(c));
        layer.setParam("mean", mm.reshape(c));
        layer.setParam("var", mv.reshape(c));
        layer.setInput(x.dup(), LayerWorkspaceMgr.noWorkspaces());
        boolean training = mode == Mode.TRAINING;
        INDArray y = layer.activate(training, LayerWorkspaceMgr.noWorkspaces()).dup();
        Pair<Gradient, INDArray> back = layer.backpropGradient(dY.dup(), LayerWorkspaceMgr.noWorkspaces());
        Gradient grads = back.getFirst();
        INDArray dGamma = grads.getGradientFor("gamma").dup();
        INDArray dBeta = grads.getGradientFor("beta").dup();
        if (!training) {
            return new Out(y, null, null, null, dGamma, dBeta);
        }
        INDArray newMean = mm.reshape(c).sub(grads.getGradientFor("mean"));
        INDArray newVar = mv.reshape(c).sub(grads.getGradientFor("var"));
        return new Out(y, newMean, newVar, back.getSecond().dup(), dGamma, dBeta);
    }

    /** The d2l formula in SameDiff ops; SameDiff differentiates it. */
    static Out sameDiff(INDArray x, INDArray gamma, INDArray beta, INDArray mm, INDArray mv, INDArray dY, Mode mode) {
        SameDiff sd = SameDiff.create();
        SDVariable vx = sd.var("x", x.dup());
        SDVariable vGamma = sd.var("gamma", gamma.dup());
        SDVariable vBeta = sd.var("beta", beta.dup());
        SDVariable mean;
        SDVariable var;
        SDVariable movingMean = sd.constant("movingMean", mm);
        SDVariable movingVar = sd.constant("movingVar", mv);
        boolean training = mode == Mode.TRAINING;
        if (training) {
            int[] axes = x.rank() == 2 ? new int[] {0} : new int[] {0, 2, 3};
            mean = vx.mean(true, axes);
            var = sd.math().square(vx.sub(mean)).mean(true, axes);
            movingMean.mul(MOMENTUM).add("newMean", mean.mul(1 - MOMENTUM));
            movingVar.mul(MOMENTUM).add("newVar", var.mul(1 - MOMENTUM));
        } else {
            mean = movingMean;
            var = movingVar;
        }
        SDVariable y =
                vx.sub(mean).mul(sd.math().rsqrt(var.add(EPS))).mul(vGamma).add("y", vBeta);
        y.mul(sd.constant("dY", dY)).sum("loss");
        sd.setLossVariables("loss");
        Map<String, INDArray> grads = quietly(() -> sd.calculateGradients(Map.of(), "x", "gamma", "beta"));
        Map<String, INDArray> out = training ? sd.output(Map.of(), "y", "newMean", "newVar") : sd.output(Map.of(), "y");
        return new Out(
                out.get("y"),
                out.get("newMean"),
                out.get("newVar"),
                grads.get("x"),
                grads.get("gamma"),
                grads.get("beta"));
    }

    /**
     * Runs {@code call} with System.out muted: SameDiff M2.1 prints "Added differentiated op ..."
     * for every op with a bare println when it builds a gradient function.
     */
    static <T> T quietly(java.util.function.Supplier<T> call) {
        java.io.PrintStream out = System.out;
        System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        try {
            return call.get();
        } finally {
            System.setOut(out);
        }
    }
}
