package bnlab.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnlab.FiniteDifferences;
import bnlab.Tolerances;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Every layer's hand-written backward against finite differences, in double precision. */
class LayerGradientTest {

    private static final Init INIT = Init.seeded(3).dataType(DataType.DOUBLE);

    private static INDArray input(long... shape) {
        Nd4j.getRandom().setSeed(11);
        return Nd4j.randn(DataType.DOUBLE, shape);
    }

    @Test
    void linearWithAndWithoutBias() {
        FiniteDifferences.checkLayer(new Linear(5, 3, true, INIT), input(4, 5), 1);
        Linear noBias = new Linear(5, 3, false, INIT);
        assertEquals(1, noBias.parameters().size());
        FiniteDifferences.checkLayer(noBias, input(4, 5), 2);
    }

    @Test
    void conv2dOddSizesAndSeveralChannels() {
        FiniteDifferences.checkLayer(new Conv2d(2, 3, 3, INIT), input(2, 2, 5, 6), 3);
        FiniteDifferences.checkLayer(new Conv2d(1, 2, 2, INIT), input(3, 1, 4, 3), 4);
    }

    @Test
    void pooling() {
        FiniteDifferences.checkLayer(new AvgPool2d(2, 2), input(2, 3, 4, 6), 5);
        FiniteDifferences.checkLayer(new AvgPool2d(3, 1), input(2, 2, 5, 4), 6);
        FiniteDifferences.checkLayer(new AvgPool2d(2, 2), input(1, 2, 5, 5), 7);
        FiniteDifferences.checkLayer(new MaxPool2d(2, 2), input(2, 3, 4, 6), 8);
    }

    @Test
    void activationsAndFlatten() {
        FiniteDifferences.checkLayer(new Sigmoid(), input(3, 4), 9);
        FiniteDifferences.checkLayer(new ReLU(), input(3, 4).addi(0.05), 10);
        FiniteDifferences.checkLayer(new Flatten(), input(2, 3, 2, 2), 11);
    }

    @Test
    void batchNormLayers() {
        FiniteDifferences.checkLayer(new BatchNorm(3, 4, 1e-5, 0.9, DataType.DOUBLE), input(4, 3, 3, 5), 12);
        FiniteDifferences.checkLayer(new BatchNorm(1, 2, 1e-5, 0.9, DataType.DOUBLE), input(7, 1), 13);
        BatchNorm eval = new BatchNorm(3, 2, 1e-5, 0.9, DataType.DOUBLE);
        eval.eval();
        FiniteDifferences.checkLayer(eval, input(5, 3), 14);
    }

    /** The lite normalizations and frozen γ, β: their backward passes follow the same derivation. */
    @Test
    void batchNormVariants() {
        for (boolean[] form : FastEngineTest.LITE_FORMS) {
            for (boolean training : new boolean[] {true, false}) {
                BatchNorm conv = BatchNorm.builder(3, 4)
                        .center(form[0])
                        .scale(form[1])
                        .dataType(DataType.DOUBLE)
                        .build();
                BatchNorm fc = BatchNorm.builder(4, 2)
                        .center(form[0])
                        .scale(form[1])
                        .dataType(DataType.DOUBLE)
                        .build();
                conv.setTraining(training);
                fc.setTraining(training);
                // Non-zero means, so that centring matters.
                FiniteDifferences.checkLayer(conv, input(4, 3, 3, 5).addi(0.7), 16);
                FiniteDifferences.checkLayer(fc, input(6, 4).addi(-1.3), 17);
            }
        }
        BatchNorm frozen = new BatchNorm(3, 2, 1e-5, 0.9, DataType.DOUBLE).frozenAffine();
        assertTrue(frozen.parameters().isEmpty(), "frozen gamma and beta are not parameters");
        FiniteDifferences.checkLayer(frozen, input(5, 3), 18);
    }

    @Test
    void dropoutMultipliesTheGradientByItsMask() {
        Dropout d = new Dropout(0.4, Init.seeded(2));
        INDArray x = input(50, 40).addi(3);
        INDArray y = d.forward(x);
        INDArray mask = y.div(x);
        long dropped = mask.eq(0).castTo(DataType.INT32).sumNumber().longValue();
        assertTrue(Math.abs(dropped / 2000.0 - 0.4) < 0.05, "about 40% dropped: " + dropped / 2000.0);
        assertEquals(
                1 / 0.6,
                mask.maxNumber().doubleValue(),
                Tolerances.FLOAT_ROUNDED_ONCE,
                "survivors scaled by 1/(1 - p)");
        INDArray g = input(50, 40);
        assertEquals(g.mul(mask), d.backward(g));
        d.eval();
        assertEquals(x, d.forward(x), "inference mode passes everything");
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1.0));
    }

    @Test
    void aSmallLeNetEndToEnd() {
        Sequential net = new Sequential(
                new Conv2d(1, 2, 3, INIT),
                new BatchNorm(2, 4, 1e-5, 0.9, DataType.DOUBLE),
                new Sigmoid(),
                new AvgPool2d(2, 2),
                new Flatten(),
                new Linear(2 * 3 * 3, 4, true, INIT),
                new BatchNorm(4, 2, 1e-5, 0.9, DataType.DOUBLE),
                new Sigmoid(),
                new Linear(4, 3, true, INIT));
        FiniteDifferences.checkLayer(net, input(3, 1, 8, 8), 15);
        net.inputGradientNotNeeded(); // as a trainer does: the first layer skips the images' gradient
        assertNull(net.backward(Nd4j.ones(DataType.DOUBLE, 3, 3)));
    }

    @Test
    void softmaxCrossEntropyGradient() {
        INDArray logits = input(4, 5);
        int[] labels = {0, 3, 4, 1};
        SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
        ce.forward(logits, labels);
        INDArray g = ce.backward();
        FiniteDifferences.assertGradient(
                g, logits, () -> new SoftmaxCrossEntropy().forward(logits, labels), "softmax cross-entropy");
    }

    @Test
    void aModuleWrittenOutsideTheLibraryPlugsIn() {
        // What a notebook cell might define: y = 2x, no parameters.
        Layer twice = new Layer() {
            public INDArray forward(INDArray x) {
                return x.mul(2);
            }

            public INDArray backward(INDArray dY) {
                return dY.mul(2);
            }
        };
        Sequential net = new Sequential(new Linear(3, 2, true, INIT), twice, new Linear(2, 2, true, INIT));
        FiniteDifferences.checkLayer(net, input(4, 3), 16);
        assertEquals(4, net.parameters().size());
    }

    @Test
    void floatFastPathsAgreeWithTheDoublePaths() {
        // im2col/col2im loops (float) against the strided-view path (double), same weights.
        Conv2d d = new Conv2d(3, 4, 5, Init.seeded(9).dataType(DataType.DOUBLE));
        Conv2d f = new Conv2d(3, 4, 5, Init.seeded(9));
        INDArray x = input(5, 3, 12, 11);
        INDArray yd = d.forward(x).dup();
        INDArray yf = f.forward(x.castTo(DataType.FLOAT)).dup();
        BatchNormFunctionTest.assertClose(yd, yf, Tolerances.FLOAT_ROUNDED_ONCE, "conv forward float vs double");
        INDArray g = input(yd.shape());
        INDArray dxd = d.backward(g).dup();
        INDArray dxf = f.backward(g.castTo(DataType.FLOAT)).dup();
        BatchNormFunctionTest.assertClose(dxd, dxf, Tolerances.FLOAT_ROUNDED_ONCE, "conv dX float vs double");
        BatchNormFunctionTest.assertClose(
                d.parameters().get(0).grad(),
                f.parameters().get(0).grad(),
                Tolerances.FLOAT_SUM,
                "conv dW float vs double");
    }

    @Test
    void floatPoolingAndSigmoidLoopsAgreeWithTheDoubleOps() {
        for (Layer[] pair : new Layer[][] {
            {new AvgPool2d(2, 2), new AvgPool2d(2, 2)},
            {new AvgPool2d(3, 2), new AvgPool2d(3, 2)},
            {new Sigmoid(), new Sigmoid()}
        }) {
            INDArray x = input(3, 2, 7, 9);
            INDArray yd = pair[0].forward(x).dup();
            INDArray yf = pair[1].forward(x.castTo(DataType.FLOAT)).dup();
            BatchNormFunctionTest.assertClose(
                    yd, yf, Tolerances.FLOAT_ROUNDED_ONCE, pair[0] + " forward float vs double");
            INDArray g = input(yd.shape()).addi(1);
            BatchNormFunctionTest.assertClose(
                    pair[0].backward(g).dup(),
                    pair[1].backward(g.castTo(DataType.FLOAT)).dup(),
                    1e-6,
                    pair[0] + " backward float vs double");
        }
    }

    @Test
    void badShapesAreNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Linear(5, 3).forward(Nd4j.ones(2, 4)));
        assertTrue(e.getMessage().contains("Linear(5, 3)") && e.getMessage().contains("Flatten"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Conv2d(1, 6, 5)
                .forward(Nd4j.ones(DataType.FLOAT, 2, 3, 28, 28)));
        assertTrue(e.getMessage().contains("Conv2d(1, 6") && e.getMessage().contains("channel"), e.getMessage());
        Sequential net = new Sequential(new Linear(4, 3), new BatchNorm(5, 2));
        e = assertThrows(IllegalArgumentException.class, () -> net.forward(Nd4j.ones(DataType.FLOAT, 2, 4)));
        assertTrue(e.getMessage().startsWith("layer 1 (BatchNorm(5"), e.getMessage());
        assertEquals(
                List.of("weight", "bias", "gamma", "beta"),
                net.parameters().stream().map(Parameter::name).toList());
    }
}
