package bnlab.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnlab.Tolerances;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One case per layer small enough to check with pencil and paper (the numbers are in the
 * comments), forward and, where it teaches something, backward. A new kind of layer fails {@link #everyCataloguedLayerHasAHandCheckedCase}
 * until it has one.
 */
class HandCheckedTest {

    private static final Set<Class<?>> CHECKED = new HashSet<>();

    private static INDArray array(double[] values, long... shape) {
        return Nd4j.create(values, shape, 'c').castTo(DataType.FLOAT);
    }

    /** The output of {@code layer} for {@code x} (the engines' agreement is FastEngineTest's). */
    private static double[] forward(Layer layer, INDArray x) {
        CHECKED.add(layer.getClass());
        return BatchNormTesting.flat(layer.forward(x.dup()));
    }

    private static void assertValues(double[] expected, double[] actual, String what) {
        assertArrayEquals(expected, actual, 1e-5, what); // float results; ε = 1e-5 is 5e-6 of a unit value
    }

    /** A 2×2 kernel of ones over [[1,2,3],[4,5,6],[7,8,9]] sums each window: 1+2+4+5 = 12, ..., 5+6+8+9 = 28. */
    @Test
    void conv2d() {
        Conv2d conv = new Conv2d(1, 1, 2, Init.seeded(1));
        conv.parameters().get(0).value().assign(1);
        conv.parameters().get(1).value().assign(0.5);
        double[] y = forward(conv, array(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3));
        assertValues(new double[] {12.5, 16.5, 24.5, 28.5}, y, "window sums + bias 0.5");
        // dW = Σ dY · window: with dY = 1 everywhere, each weight sees the sum of the pixels it touched:
        // top-left 1+2+4+5 = 12, top-right 2+3+5+6 = 16, bottom-left 24, bottom-right 28.
        conv.backward(Nd4j.ones(DataType.FLOAT, 1, 1, 2, 2));
        assertValues(
                new double[] {12, 16, 24, 28},
                BatchNormTesting.flat(conv.parameters().get(0).grad()),
                "dW");
        assertValues(
                new double[] {4}, BatchNormTesting.flat(conv.parameters().get(1).grad()), "db = Σ dY");
    }

    /** W = [[1, 2], [3, 4]], b = [1, 1], x = [1, 1]: y = x·Wᵀ + b = [1+2+1, 3+4+1] = [4, 8]. */
    @Test
    void linear() {
        Linear linear = new Linear(2, 2, true, Init.seeded(1));
        linear.weight().assign(array(new double[] {1, 2, 3, 4}, 2, 2));
        linear.parameters().get(1).value().assign(1);
        assertValues(new double[] {4, 8}, forward(linear, array(new double[] {1, 1}, 1, 2)), "x·Wᵀ + b");
        // dX = dY·W: dY = [1, 0] picks W's first row.
        assertValues(
                new double[] {1, 2},
                BatchNormTesting.flat(linear.backward(array(new double[] {1, 0}, 1, 2))),
                "dX = dY·W");
    }

    /** σ(0) = 1/2, σ(ln 3) = 1/(1 + 1/3) = 3/4; σ' = σ(1 − σ) = 1/4 at 0. */
    @Test
    void sigmoid() {
        Sigmoid s = new Sigmoid();
        assertValues(new double[] {0.5, 0.75}, forward(s, array(new double[] {0, Math.log(3)}, 1, 2)), "σ");
        assertValues(
                new double[] {0.25, 0.1875},
                BatchNormTesting.flat(s.backward(Nd4j.ones(DataType.FLOAT, 1, 2))),
                "σ(1 − σ): 1/4 and 3/16");
    }

    /** max(0, x) of [-1, 2] is [0, 2]; the gradient passes where x > 0. */
    @Test
    void relu() {
        ReLU r = new ReLU();
        assertValues(new double[] {0, 2}, forward(r, array(new double[] {-1, 2}, 1, 2)), "max(0, x)");
        assertValues(new double[] {0, 1}, BatchNormTesting.flat(r.backward(Nd4j.ones(DataType.FLOAT, 1, 2))), "mask");
    }

    /** The mean of [[1, 2], [3, 4]] is 2.5; each input gets a quarter of the output's gradient. */
    @Test
    void avgPool() {
        AvgPool2d pool = new AvgPool2d(2, 2);
        assertValues(new double[] {2.5}, forward(pool, array(new double[] {1, 2, 3, 4}, 1, 1, 2, 2)), "mean");
        assertValues(
                new double[] {0.25, 0.25, 0.25, 0.25},
                BatchNormTesting.flat(pool.backward(Nd4j.ones(DataType.FLOAT, 1, 1, 1, 1))),
                "spread evenly");
    }

    /** The maximum of [[1, 2], [3, 4]] is 4, and only the 4 gets the gradient. */
    @Test
    void maxPool() {
        MaxPool2d pool = new MaxPool2d(2, 2);
        assertValues(new double[] {4}, forward(pool, array(new double[] {1, 2, 3, 4}, 1, 1, 2, 2)), "max");
        assertValues(
                new double[] {0, 0, 0, 1},
                BatchNormTesting.flat(pool.backward(Nd4j.ones(DataType.FLOAT, 1, 1, 1, 1))),
                "to the maximum only");
    }

    /** (1, 2, 1, 2) becomes (1, 4), values in C order. */
    @Test
    void flatten() {
        Flatten f = new Flatten();
        INDArray y = f.forward(array(new double[] {1, 2, 3, 4}, 1, 2, 1, 2));
        CHECKED.add(Flatten.class);
        assertArrayEquals(new long[] {1, 4}, y.shape());
        assertValues(new double[] {1, 2, 3, 4}, BatchNormTesting.flat(y), "same order");
    }

    /** p = 0.5: each value is 0 or doubled (2x), so the expected output is x; inference passes x. */
    @Test
    void dropout() {
        Dropout d = new Dropout(0.5, Init.seeded(1));
        double[] y = forward(d, array(new double[] {1, 1, 1, 1, 1, 1, 1, 1}, 1, 8));
        for (double v : y) {
            assertTrue(v == 0 || v == 2, "0 or 1/(1 − 0.5) = 2, got " + v);
        }
        d.eval();
        assertValues(new double[] {3, 4}, forward(d, array(new double[] {3, 4}, 1, 2)), "inference passes x");
    }

    /** With both ranges 0 the noise is 0; inference adds nothing. */
    @Test
    void shiftingNoise() {
        ShiftingNoise n = new ShiftingNoise(0, 0, Init.seeded(1));
        assertValues(new double[] {3, 4}, forward(n, array(new double[] {3, 4}, 1, 2)), "no noise");
        ShiftingNoise wide = new ShiftingNoise(1, 1, Init.seeded(1));
        wide.eval();
        assertValues(new double[] {3, 4}, forward(wide, array(new double[] {3, 4}, 1, 2)), "inference adds nothing");
    }

    /**
     * DJL's case: [[1, 2], [3, 4]] (two examples, two features). Each column has mean 2 or 3 and
     * biased variance 1, so x̂ = ±1/√(1 + ε) and y = [[-1, -1], [1, 1]] (to 5·10⁻⁶); the moving mean
     * becomes 0.9·0 + 0.1·[2, 3] = [0.2, 0.3].
     */
    @Test
    void batchNorm() {
        BatchNorm bn = new BatchNorm(2, 2);
        assertValues(new double[] {-1, -1, 1, 1}, forward(bn, array(new double[] {1, 2, 3, 4}, 2, 2)), "x̂");
        assertValues(new double[] {0.2, 0.3}, BatchNormTesting.flat(bn.movingMean()), "moving mean");
        assertValues(
                new double[] {-1, -1, 1, 1},
                forward(BatchNorm.meanOnly(2, 2), array(new double[] {1, 2, 3, 4}, 2, 2)),
                "mean only: x − μ");
        double s = 1 / Math.sqrt(1 + 1e-5);
        assertValues(
                new double[] {s, 2 * s, 3 * s, 4 * s},
                forward(BatchNorm.varianceOnly(2, 2), array(new double[] {1, 2, 3, 4}, 2, 2)),
                "variance only: x/√(1 + ε)");
    }

    /** Virtual batches of 2: [[1], [3]] and [[5], [9]] are each normalized to [-1, 1] on their own. */
    @Test
    void ghostBatchNorm() {
        GhostBatchNorm g = new GhostBatchNorm(1, 2, 2);
        assertValues(
                new double[] {-1, 1, -1, 1}, forward(g, array(new double[] {1, 3, 5, 9}, 4, 1)), "per ghost batch");
    }

    /**
     * A fresh layer has moving mean 0 and variance 1; the batch [[1], [3]] has μ = 2, σ² = 1, so
     * r = σ_B/σ = 1 and d = (μ_B − μ)/σ = 2 (unclipped) and x̂ = (x − 2)/1·1 + 2 = x (all divided
     * by √(1 + ε)): the training output equals what inference with the moving statistics would
     * give, which is renorm's point.
     */
    @Test
    void batchRenorm() {
        BatchRenorm r = new BatchRenorm(1, 2);
        double s = 1 / Math.sqrt(1 + 1e-5);
        assertValues(new double[] {s, 3 * s}, forward(r, array(new double[] {1, 3}, 2, 1)), "x̂ = x/√(1 + ε)");
    }

    /** Each row of [[1, 3], [2, 6]] is normalized by its own mean and variance: [-1, 1] both times. */
    @Test
    void perExampleNorms() {
        INDArray x = array(new double[] {1, 3, 2, 6}, 2, 2);
        assertValues(new double[] {-1, 1, -1, 1}, forward(new LayerNorm(2), x), "LayerNorm");
        assertValues(new double[] {-1, 1, -1, 1}, forward(new GroupNorm(1, 2), x), "GroupNorm, one group");
        assertValues(
                new double[] {-1, 1, -1, 1},
                forward(new InstanceNorm(1), array(new double[] {1, 3, 2, 6}, 2, 1, 1, 2)),
                "InstanceNorm over H·W");
        // RMSNorm keeps the mean: [3, 4] has root mean square √((9 + 16)/2) = √12.5, so y = [3, 4]/√12.5.
        double rms = Math.sqrt(12.5 + 1e-5);
        assertValues(
                new double[] {3 / rms, 4 / rms}, forward(new RMSNorm(2), array(new double[] {3, 4}, 1, 2)), "RMSNorm");
    }

    /** Linear then Sigmoid with W = 0, b = 0: every output is σ(0) = 1/2, in both engines. */
    @Test
    void sequential() {
        for (boolean fast : new boolean[] {true, false}) {
            Linear linear = new Linear(3, 2, true, Init.seeded(1));
            linear.parameters().forEach(p -> p.value().assign(0));
            Sequential net = new Sequential(linear, new Sigmoid()).useFastEngine(fast);
            assertValues(new double[] {0.5, 0.5}, forward(net, Nd4j.ones(DataType.FLOAT, 1, 3)), "σ(0)");
        }
    }

    /** Ten equal logits give each class 1/10: the loss is ln 10 ≈ 2.3026, the gradient (1/10 − 1{label})/N. */
    @Test
    void softmaxCrossEntropy() {
        SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
        assertEquals(Math.log(10), ce.forward(Nd4j.zeros(DataType.FLOAT, 2, 10), new int[] {3, 7}), Tolerances.DOUBLE);
        double[] g = BatchNormTesting.flat(ce.backward());
        assertEquals(0.05, g[0], 1e-7, "(0.1 − 0)/2");
        assertEquals(-0.45, g[3], 1e-7, "(0.1 − 1)/2 at the label");
    }

    /** value 1, gradient 2, lr 0.5: 1 − 0.5·2 = 0. */
    @Test
    void sgd() {
        Parameter p = Parameter.of("w", Nd4j.ones(DataType.FLOAT, 1, 1));
        p.grad().assign(2);
        new Sgd(List.of(p), 0.5).step();
        assertEquals(0, p.value().getDouble(0), 0.0);
    }

    @Test
    void everyCataloguedLayerHasAHandCheckedCase() {
        conv2d();
        linear();
        sigmoid();
        relu();
        avgPool();
        maxPool();
        flatten();
        dropout();
        shiftingNoise();
        batchNorm();
        ghostBatchNorm();
        batchRenorm();
        perExampleNorms();
        sequential();
        for (LayerCatalog.Entry e : LayerCatalog.all()) {
            assertTrue(CHECKED.contains(e.make().get().getClass()), e + " has no case checkable by hand here");
        }
    }
}
