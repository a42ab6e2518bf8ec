package bnlab.nn;

import static bnlab.nn.FastEngineTest.assertTwinAgrees;
import static bnlab.nn.FastEngineTest.imageShapes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnlab.Tolerances;
import bnlab.nn.kernel.BatchNormKernel;
import bnlab.nn.kernel.GroupNormKernel;
import bnlab.nn.kernel.Parallel;
import java.util.Arrays;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The fast twins of the batch-norm alternatives give the numbers their layers give (outputs,
 * input gradients, γ and β gradients, moving statistics), on the engine's test shapes (below and
 * above the two-thread threshold, N = 1), in training and inference mode, with every range split
 * across threads too; and LeNets built with them train the same in both engines.
 */
class NormalizationTwinsTest {

    /** Non-trivial γ and β (the same for both copies a test makes), so the affine step is exercised. */
    private static <T extends Layer> T randomAffine(T m, long seed) {
        Nd4j.getRandom().setSeed(seed);
        for (Parameter p : m.parameters()) {
            p.value().assign(Nd4j.rand(p.value().dataType(), p.value().shape()).addi(0.5));
        }
        return m;
    }

    /** Moving statistics away from 0 and 1, so batch renorm's r and d are far from 1 and 0 and clip. */
    private static <T extends BatchStatisticsNorm> T movedStatistics(T m) {
        m.movingMean()
                .assign(Nd4j.linspace(
                                -0.6,
                                0.6,
                                m.movingMean().length(),
                                m.movingMean().dataType())
                        .reshape(m.movingMean().shape()));
        m.movingVar()
                .assign(Nd4j.linspace(
                                0.3, 3.0, m.movingVar().length(), m.movingVar().dataType())
                        .reshape(m.movingVar().shape()));
        return m;
    }

    private static <T extends Layer> Supplier<Layer> inference(Supplier<T> make) {
        return () -> make.get().eval();
    }

    private static void assertMovingStatisticsAgree(Layer[] pair, String what) {
        if (pair[0] instanceof BatchStatisticsNorm a && pair[1] instanceof BatchStatisticsNorm b) {
            BatchNormTesting.assertClose(a.movingMean(), b.movingMean(), Tolerances.FLOAT, what + " moving mean");
            BatchNormTesting.assertClose(a.movingVar(), b.movingVar(), Tolerances.FLOAT, what + " moving var");
        }
    }

    private static void agrees(Supplier<Layer> make, long[] shape, String what) {
        agrees(make, shape, what, Tolerances.FLOAT);
    }

    private static void agrees(Supplier<Layer> make, long[] shape, String what, double inputGradientTolerance) {
        String at = what + " " + Arrays.toString(shape);
        assertMovingStatisticsAgree(assertTwinAgrees(make, shape, at, inputGradientTolerance), at);
    }

    @Test
    void perExampleNormsAgreeWithTheirTwins() {
        for (long[] s : imageShapes(6)) {
            for (int groups : new int[] {1, 2, 3, 6}) {
                agrees(() -> randomAffine(new GroupNorm(groups, 6), 5), s, "GroupNorm(" + groups + ", 6)");
            }
            agrees(() -> randomAffine(new InstanceNorm(6), 6), s, "InstanceNorm(6)");
            agrees(() -> randomAffine(new LayerNorm(s[1], s[2], s[3]), 7), s, "LayerNorm");
            agrees(() -> randomAffine(new GroupNorm(3, 6), 5).eval(), s, "GroupNorm inference");
        }
        for (int n : new int[] {1, 2, 33, 256}) {
            long[] s = {n, 150};
            agrees(() -> randomAffine(new LayerNorm(150), 8), s, "LayerNorm(150)");
            agrees(() -> randomAffine(new GroupNorm(5, 150), 9), s, "GroupNorm(5, 150)");
            agrees(() -> randomAffine(new GroupNorm(75, 150), 9), s, "GroupNorm(75, 150), two values per group");
        }
    }

    @Test
    void ghostBatchNormAgreesWithItsTwin() {
        for (long[] s : imageShapes(6)) {
            for (int v : new int[] {1, 2, 3, 64}) {
                agrees(() -> randomAffine(new GhostBatchNorm(6, 4, v), 3), s, "GhostBatchNorm(6, 4, " + v + ")");
            }
            agrees(
                    inference(() -> movedStatistics(randomAffine(new GhostBatchNorm(6, 4, 2), 3))),
                    s,
                    "GhostBatchNorm inference");
        }
        for (int n : new int[] {2, 33, 256}) {
            long[] s = {n, 150};
            for (int v : new int[] {2, 3, 16}) {
                if (n % v != 1) {
                    agrees(
                            () -> randomAffine(new GhostBatchNorm(150, 2, v), 4),
                            s,
                            "GhostBatchNorm(150, 2, " + v + ")");
                }
            }
            agrees(
                    inference(() -> movedStatistics(randomAffine(new GhostBatchNorm(150, 2, 2), 4))),
                    s,
                    "GhostBatchNorm(150, 2) inference");
        }
    }

    @Test
    void batchRenormAgreesWithItsTwin() {
        for (long[] s : imageShapes(6)) {
            agrees(() -> randomAffine(new BatchRenorm(6, 4), 1), s, "BatchRenorm");
            agrees(() -> movedStatistics(randomAffine(new BatchRenorm(6, 4), 1)), s, "BatchRenorm, moved statistics");
            agrees(
                    () -> movedStatistics(randomAffine(new BatchRenorm(6, 4), 1))
                            .setLimits(1.5, 0.3),
                    s,
                    "BatchRenorm, clipped");
            agrees(
                    inference(() -> movedStatistics(randomAffine(new BatchRenorm(6, 4), 1))),
                    s,
                    "BatchRenorm inference");
        }
        for (int n : new int[] {2, 33, 256}) {
            long[] s = {n, 150};
            agrees(
                    () -> movedStatistics(randomAffine(new BatchRenorm(150, 2), 2))
                            .setLimits(1.5, 0.3),
                    s,
                    "BatchRenorm(150, 2), clipped");
            // With two examples some channels hold two nearly equal values (σ_B ≈ 0.0025 here, so
            // 1/σ_B ≈ 400): the float twin's x̂ carries the float rounding of the batch mean times
            // that factor, and its input gradient is 3.1e-5 (relative) from the layer's, which is
            // computed in double and within 1.6e-6 of the exact result. Larger batches hold 2e-5.
            agrees(
                    () -> movedStatistics(randomAffine(new BatchRenorm(150, 2), 2)),
                    s,
                    "BatchRenorm(150, 2)",
                    n == 2 ? 4e-5 : Tolerances.FLOAT);
            agrees(
                    inference(() -> movedStatistics(randomAffine(new BatchRenorm(150, 2), 2))),
                    s,
                    "BatchRenorm(150, 2) inference");
        }
    }

    @Test
    void splittingTheWorkAcrossThreadsGivesTheSameNumbers() {
        Parallel.splitEverything(3, () -> {
            perExampleNormsAgreeWithTheirTwins();
            ghostBatchNormAgreesWithItsTwin();
            batchRenormAgreesWithItsTwin();
        });
    }

    /** A LeNet with BN replaced by another layer, as notebook 9 builds them. */
    private static Sequential leNet(long seed, java.util.function.BiFunction<Integer, Integer, Layer> norm) {
        Init init = Init.seeded(seed);
        return new Sequential(
                new Conv2d(1, 6, 5, init),
                norm.apply(6, 4),
                new Sigmoid(),
                new AvgPool2d(2, 2),
                new Conv2d(6, 16, 5, init),
                norm.apply(16, 4),
                new Sigmoid(),
                new AvgPool2d(2, 2),
                new Flatten(),
                new Linear(256, 120, true, init),
                norm.apply(120, 2),
                new Sigmoid(),
                new Linear(120, 84, true, init),
                norm.apply(84, 2),
                new Sigmoid(),
                new Linear(84, 10, true, init));
    }

    /**
     * Parameters and moving statistics of {@code from} into {@code to}: each step then starts both
     * engines from the same state. (Without it, float rounding grows step after step through
     * normalizations over few values — batch norm of 4 examples as much as ghost batches of 4 —
     * and a comparison after a few steps measures that growth, not the twins.)
     */
    private static void copyState(Sequential from, Sequential to) {
        for (int i = 0; i < from.parameters().size(); i++) {
            to.parameters().get(i).value().assign(from.parameters().get(i).value());
        }
        for (int i = 0; i < from.size(); i++) {
            if (from.get(i) instanceof BatchStatisticsNorm a && to.get(i) instanceof BatchStatisticsNorm b) {
                b.movingMean().assign(a.movingMean());
                b.movingVar().assign(a.movingVar());
            }
        }
    }

    @Test
    void leNetsWithTheAlternativesTrainTheSameInBothEnginesAndUseTheTwins() {
        java.util.Map<String, java.util.function.BiFunction<Integer, Integer, Layer>> norms =
                new java.util.LinkedHashMap<>();
        norms.put("GroupNorm G=2", (c, d) -> new GroupNorm(2, c));
        norms.put("LayerNorm (GN G=1)", (c, d) -> new GroupNorm(1, c));
        norms.put("GhostBatchNorm", (c, d) -> new GhostBatchNorm(c, d, 4));
        norms.put("BatchRenorm", (c, d) -> new BatchRenorm(c, d).schedule(BatchRenorm.Schedule.scaledTo(8)));
        int[] labels = new int[16];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (i * 7) % 10;
        }
        for (var entry : norms.entrySet()) {
            Sequential fast = leNet(9, entry.getValue());
            Sequential plain = leNet(9, entry.getValue()).useFastEngine(false);
            Sgd sgdFast = new Sgd(fast.parameters(), 0.5);
            Sgd sgdPlain = new Sgd(plain.parameters(), 0.5);
            for (int step = 0; step < 4; step++) {
                Nd4j.getRandom().setSeed(step);
                INDArray x = Nd4j.rand(DataType.FLOAT, 16, 1, 28, 28);
                INDArray zFast = fast.forward(x);
                INDArray zPlain = plain.forward(x);
                BatchNormTesting.assertClose(
                        zPlain, zFast, Tolerances.FLOAT_NETWORK, entry.getKey() + " logits, step " + step);
                SoftmaxCrossEntropy lossFast = new SoftmaxCrossEntropy();
                SoftmaxCrossEntropy lossPlain = new SoftmaxCrossEntropy();
                lossFast.forward(zFast, labels);
                lossPlain.forward(zPlain, labels);
                fast.backward(lossFast.backward());
                plain.backward(lossPlain.backward());
                for (int i = 0; i < fast.parameters().size(); i++) {
                    BatchNormTesting.assertClose(
                            plain.parameters().get(i).grad(),
                            fast.parameters().get(i).grad(),
                            Tolerances.FLOAT_NETWORK,
                            entry.getKey() + " step " + step + " gradient " + i);
                }
                sgdFast.step();
                sgdPlain.step();
                copyState(fast, plain);
            }
            fast.eval();
            plain.eval();
            INDArray x = Nd4j.rand(DataType.FLOAT, 3, 1, 28, 28);
            BatchNormTesting.assertClose(
                    plain.forward(x), fast.forward(x), Tolerances.FLOAT_NETWORK, entry.getKey() + " inference logits");
            for (int i : new int[] {1, 5, 10, 13}) {
                Class<?> twin = fast.get(i) instanceof PerExampleNorm ? GroupNormKernel.class : BatchNormKernel.class;
                assertInstanceOf(twin, fast.engine().get(i), entry.getKey() + " layer " + i + " runs as a twin");
            }
        }
    }

    /** Both engines refuse a batch that leaves a one-example virtual batch after a fully-connected layer. */
    @Test
    void aOneExampleVirtualBatchFailsTheSameInBothEngines() {
        Supplier<Sequential> make =
                () -> new Sequential(new Linear(4, 3, true, Init.seeded(1)), new GhostBatchNorm(3, 2, 4));
        INDArray five = Nd4j.rand(DataType.FLOAT, 5, 4);
        String a = assertThrows(IllegalArgumentException.class, () -> make.get().forward(five))
                .getMessage();
        String b = assertThrows(
                        IllegalArgumentException.class,
                        () -> make.get().useFastEngine(false).forward(five))
                .getMessage();
        assertEquals(b, a, "same error from both engines");
        assertTrue(a.contains("virtual batch of 1 example") && a.contains("multiple of 4"), a);
    }
}
