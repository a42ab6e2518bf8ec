package bnlab.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnlab.Tolerances;
import bnlab.nn.kernel.FastLayer;
import bnlab.nn.kernel.FastSequential;
import bnlab.nn.kernel.Parallel;
import bnlab.nn.kernel.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The fast engine gives the numbers the layers give: every layer against its twin (outputs,
 * input gradients, parameter gradients, moving statistics), on shapes on both sides of the
 * two-thread threshold and with a single example; whole networks through Sequential with the
 * engine on and off; and what the engine returns stays valid.
 */
class FastEngineTest {

    private static INDArray random(long seed, long... shape) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.FLOAT, shape);
    }

    /**
     * Runs forward and backward through the layer and through its twin; compares everything.
     * Returns the two layers (the layer, the twin's owner) for further comparisons.
     */
    static Layer[] assertTwinAgrees(Supplier<Layer> make, long[] inShape, String what) {
        return assertTwinAgrees(make, inShape, what, Tolerances.FLOAT);
    }

    /** As above with another tolerance for the input gradient (an ill-conditioned case says why). */
    static Layer[] assertTwinAgrees(Supplier<Layer> make, long[] inShape, String what, double inputGradientTolerance) {
        Layer layer = make.get();
        Layer twinOwner = make.get();
        copyState(layer, twinOwner);
        FastLayer twin = ((TwinnedLayer) twinOwner).fastLayer();
        INDArray x = random(1, inShape);
        INDArray y = layer.forward(x.dup());
        INDArray yFast = twin.forward(Tensor.copyOf(x, null)).toINDArray();
        BatchNormTesting.assertClose(y, yFast, Tolerances.FLOAT, what + " forward");
        INDArray dY = random(2, y.shape());
        INDArray dX = layer.backward(dY.dup());
        Tensor dXFast = twin.backward(Tensor.copyOf(dY, null));
        BatchNormTesting.assertClose(dX, dXFast.toINDArray(), inputGradientTolerance, what + " input gradient");
        List<Parameter> a = layer.parameters();
        List<Parameter> b = twinOwner.parameters();
        for (int i = 0; i < a.size(); i++) {
            BatchNormTesting.assertClose(
                    a.get(i).grad(),
                    b.get(i).grad(),
                    Tolerances.FLOAT,
                    what + " d" + a.get(i).name());
        }
        if (layer instanceof BatchNorm bn) {
            BatchNorm other = (BatchNorm) twinOwner;
            BatchNormTesting.assertClose(bn.movingMean(), other.movingMean(), Tolerances.FLOAT, what + " moving mean");
            BatchNormTesting.assertClose(bn.movingVar(), other.movingVar(), Tolerances.FLOAT, what + " moving var");
        }
        return new Layer[] {layer, twinOwner};
    }

    private static void copyState(Layer from, Layer to) {
        for (int i = 0; i < from.parameters().size(); i++) {
            to.parameters().get(i).value().assign(from.parameters().get(i).value());
        }
        if (from instanceof BatchNorm a && to instanceof BatchNorm b) {
            b.setTraining(a.isTraining());
        }
    }

    /** Shapes whose work falls below and above the threshold at which the engine uses two threads. */
    static List<long[]> imageShapes(int channels) {
        long t = Parallel.THRESHOLD;
        return List.of(
                new long[] {1, channels, 5, 5},
                new long[] {2, channels, 7, 9},
                new long[] {1, channels, 128, 128},
                new long[] {3, channels, 3, (t / (3 * channels * 3)) + 1},
                new long[] {37, channels, 12, 12});
    }

    /** {center, scale} of batch norm and its two lite forms (mean only, variance only). */
    static final boolean[][] LITE_FORMS = {{true, true}, {true, false}, {false, true}};

    static BatchNorm form(int channels, int numDims, boolean[] form) {
        return BatchNorm.builder(channels, numDims)
                .center(form[0])
                .scale(form[1])
                .build();
    }

    @Test
    void everyLayerAgreesWithItsTwin() {
        for (long[] s : imageShapes(3)) {
            String at = java.util.Arrays.toString(s);
            if (s[2] >= 3 && s[3] >= 3) {
                assertTwinAgrees(() -> new Conv2d(3, 4, 3, Init.seeded(3)), s, "Conv2d " + at);
            }
            assertTwinAgrees(Sigmoid::new, s, "Sigmoid " + at);
            assertTwinAgrees(ReLU::new, s, "ReLU " + at);
            assertTwinAgrees(() -> new AvgPool2d(2, 2), s, "AvgPool2d " + at);
            assertTwinAgrees(() -> new AvgPool2d(3, 1), s, "AvgPool2d(3, 1) " + at);
            assertTwinAgrees(() -> new MaxPool2d(2, 2), s, "MaxPool2d " + at);
            assertTwinAgrees(Flatten::new, s, "Flatten " + at);
            assertTwinAgrees(() -> new BatchNorm(3, 4), s, "BatchNorm training " + at);
            for (boolean[] form : LITE_FORMS) {
                String kind = "center " + form[0] + " scale " + form[1];
                assertTwinAgrees(() -> form(3, 4, form).frozenAffine(), s, "BatchNorm " + kind + " frozen " + at);
                assertTwinAgrees(() -> form(3, 4, form), s, "BatchNorm " + kind + " " + at);
                assertTwinAgrees(
                        () -> (BatchNorm) form(3, 4, form).eval(), s, "BatchNorm " + kind + " inference " + at);
            }
            assertTwinAgrees(() -> new Dropout(0.3, Init.seeded(8)), s, "Dropout " + at);
            assertTwinAgrees(() -> new ShiftingNoise(0.5, 2, Init.seeded(8)), s, "ShiftingNoise " + at);
            assertTwinAgrees(() -> (BatchNorm) new BatchNorm(3, 4).eval(), s, "BatchNorm inference " + at);
        }
        for (int n : new int[] {1, 2, 33, 256}) {
            long[] s = {n, 150};
            assertTwinAgrees(() -> new Linear(150, 84, true, Init.seeded(4)), s, "Linear n=" + n);
            assertTwinAgrees(() -> new Linear(150, 7, false, Init.seeded(4)), s, "Linear without bias n=" + n);
            assertTwinAgrees(Sigmoid::new, s, "Sigmoid n=" + n);
            assertTwinAgrees(() -> (BatchNorm) new BatchNorm(150, 2).eval(), s, "BatchNorm(2) inference n=" + n);
            assertTwinAgrees(() -> new Dropout(0.5, Init.seeded(8)), s, "Dropout n=" + n);
            for (boolean[] form : LITE_FORMS) {
                if (n > 1) {
                    assertTwinAgrees(
                            () -> form(150, 2, form),
                            s,
                            "BatchNorm(2) center " + form[0] + " scale " + form[1] + " n=" + n);
                }
            }
            if (n > 1) {
                assertTwinAgrees(() -> new BatchNorm(150, 2), s, "BatchNorm(2) training n=" + n);
            }
        }
    }

    /** The same comparisons with every range cut into three parts, however little work it holds. */
    @Test
    void splittingTheWorkAcrossThreadsGivesTheSameNumbers() {
        Parallel.splitEverything(3, () -> {
            everyLayerAgreesWithItsTwin();
            leNetTrainsTheSameInBothEngines();
            assertTwinAgrees(() -> new BatchNorm(8, 4), new long[] {1, 8, 128, 128}, "BatchNorm(8, 4) N=1, split");
        });
    }

    @Test
    void oneExampleWorksInBothEnginesAndTheFullyConnectedCaseFailsInBoth() {
        // (1, 8, 128, 128): one example, 16 384 values per channel, split across threads.
        assertTwinAgrees(() -> new BatchNorm(8, 4), new long[] {1, 8, 128, 128}, "BatchNorm(8, 4) N=1");
        Sequential fast = new Sequential(new Linear(4, 3), new BatchNorm(3, 2));
        Sequential plain = new Sequential(new Linear(4, 3), new BatchNorm(3, 2)).useFastEngine(false);
        INDArray one = random(3, 1, 4);
        String a = assertThrows(IllegalArgumentException.class, () -> fast.forward(one))
                .getMessage();
        String b = assertThrows(IllegalArgumentException.class, () -> plain.forward(one))
                .getMessage();
        assertEquals(b, a, "same error from both engines");
        assertTrue(a.contains("more than one value per channel") && a.contains("eval()"), a);
    }

    private static Sequential leNet(long seed) {
        return LeNet.withBatchNorm(Init.seeded(seed));
    }

    /** Trains two copies, one per engine, for a few steps; compares logits, every gradient and moving statistics. */
    @Test
    void leNetTrainsTheSameInBothEngines() {
        Sequential fast = leNet(9);
        Sequential plain = leNet(9).useFastEngine(false);
        fast.inputGradientNotNeeded();
        plain.inputGradientNotNeeded();
        Sgd sgdFast = new Sgd(fast.parameters(), 0.5);
        Sgd sgdPlain = new Sgd(plain.parameters(), 0.5);
        SoftmaxCrossEntropy lossFast = new SoftmaxCrossEntropy();
        SoftmaxCrossEntropy lossPlain = new SoftmaxCrossEntropy();
        int[] labels = new int[64];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (i * 7) % 10;
        }
        for (int step = 0; step < 3; step++) {
            INDArray x = Nd4j.rand(DataType.FLOAT, 64, 1, 28, 28);
            assertTrue(fast.usesFastEngine(x));
            INDArray zFast = fast.forward(x);
            INDArray zPlain = plain.forward(x);
            BatchNormTesting.assertClose(zPlain, zFast, Tolerances.FLOAT_NETWORK, "logits, step " + step);
            lossFast.forward(zFast, labels);
            lossPlain.forward(zPlain, labels);
            assertNull(fast.backward(lossFast.backward()), "the images' gradient is skipped");
            plain.backward(lossPlain.backward());
            for (int i = 0; i < fast.parameters().size(); i++) {
                Parameter p = plain.parameters().get(i);
                BatchNormTesting.assertClose(
                        p.grad(),
                        fast.parameters().get(i).grad(),
                        Tolerances.FLOAT_NETWORK,
                        "step " + step + " gradient of " + p.name() + " in layer with " + p);
            }
            sgdFast.step();
            sgdPlain.step();
        }
        for (int i : new int[] {1, 5, 10, 13}) {
            BatchNorm a = (BatchNorm) plain.get(i);
            BatchNorm b = (BatchNorm) fast.get(i);
            BatchNormTesting.assertClose(a.movingMean(), b.movingMean(), Tolerances.FLOAT_NETWORK, "moving mean " + i);
            BatchNormTesting.assertClose(a.movingVar(), b.movingVar(), Tolerances.FLOAT_NETWORK, "moving var " + i);
        }
        fast.eval();
        plain.eval();
        INDArray x = Nd4j.rand(DataType.FLOAT, 5, 1, 28, 28);
        BatchNormTesting.assertClose(plain.forward(x), fast.forward(x), Tolerances.FLOAT_NETWORK, "inference logits");
    }

    /** A layer without a twin (as a student writes one) runs as written inside the fast engine. */
    @Test
    void aModuleWithoutATwinRunsInsideTheFastEngine() {
        Layer doubler = new Layer() {
            @Override
            public INDArray forward(INDArray x) {
                return x.mul(2);
            }

            @Override
            public INDArray backward(INDArray g) {
                return g.mul(2);
            }
        };
        Sequential fast = new Sequential(
                new Linear(6, 5, true, Init.seeded(1)), doubler, new Sigmoid(), new Linear(5, 2, true, Init.seeded(2)));
        Sequential plain = new Sequential(
                        new Linear(6, 5, true, Init.seeded(1)),
                        doubler,
                        new Sigmoid(),
                        new Linear(5, 2, true, Init.seeded(2)))
                .useFastEngine(false);
        INDArray x = random(5, 9, 6);
        BatchNormTesting.assertClose(plain.forward(x), fast.forward(x), Tolerances.FLOAT_ROUNDED_ONCE, "output");
        INDArray g = random(6, 9, 2);
        fast.backward(g);
        plain.backward(g);
        BatchNormTesting.assertClose(
                plain.parameters().get(0).grad(),
                fast.parameters().get(0).grad(),
                Tolerances.FLOAT_ROUNDED_ONCE,
                "dW of layer 0");
    }

    @Test
    void whatForwardReturnsStaysValid() {
        Sequential net = leNet(2);
        INDArray first = net.forward(random(1, 4, 1, 28, 28));
        INDArray kept = first.dup();
        net.forward(random(2, 4, 1, 28, 28));
        assertEquals(kept, first, "the first call's output is untouched by the second call");
        List<INDArray> outputs = new ArrayList<>();
        List<INDArray> copies = new ArrayList<>();
        INDArray x = random(3, 4, 1, 28, 28);
        for (int i = 0; i < net.size(); i++) {
            x = net.get(i).forward(x);
            outputs.add(x);
            copies.add(x.dup());
        }
        INDArray z = random(4, 4, 1, 28, 28);
        for (int i = 0; i < net.size(); i++) {
            z = net.get(i).forward(z);
        }
        for (int i = 0; i < net.size(); i++) {
            assertEquals(copies.get(i), outputs.get(i), "layer " + i + " output kept by the caller");
        }
    }

    @Test
    void shapeErrorsNameTheLayerInBothEngines() {
        Sequential fast = leNet(1);
        Sequential plain = leNet(1).useFastEngine(false);
        INDArray wrong = random(1, 2, 3, 28, 28);
        String a = assertThrows(IllegalArgumentException.class, () -> fast.forward(wrong))
                .getMessage();
        String b = assertThrows(IllegalArgumentException.class, () -> plain.forward(wrong))
                .getMessage();
        assertEquals(b, a);
        assertTrue(a.startsWith("layer 0 (Conv2d(1, 6, kernel_size=5))"), a);
    }

    @Test
    void observersSeeTheSameLayerOutputsInBothEngines() {
        Sequential fast = leNet(6);
        Sequential plain = leNet(6).useFastEngine(false);
        List<INDArray> seenFast = new ArrayList<>();
        List<INDArray> seenPlain = new ArrayList<>();
        fast.observe(13, seenFast::add);
        plain.observe(13, seenPlain::add);
        INDArray x = random(7, 8, 1, 28, 28);
        fast.forward(x);
        plain.forward(x);
        fast.observe(13, null);
        fast.forward(x);
        assertEquals(1, seenFast.size(), "one call, then removed");
        assertEquals(1, seenPlain.size());
        assertEquals(2, seenFast.get(0).rank());
        BatchNormTesting.assertClose(
                seenPlain.get(0), seenFast.get(0), Tolerances.FLOAT_NETWORK, "input of the last sigmoid");
    }

    @Test
    void theEngineIsOnHereAndReportsItself() {
        assertTrue(FastSequential.available(), "tests run with --add-modules jdk.incubator.vector");
        assertTrue(FastSequential.describe().startsWith("fast engine on"), FastSequential.describe());
        assertNotNull(leNet(1).engine());
    }
}
