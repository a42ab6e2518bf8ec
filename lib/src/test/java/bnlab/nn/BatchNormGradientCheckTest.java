package bnlab.nn;

import static bnlab.nn.BatchNormTesting.perChannelShape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnlab.FiniteDifferences;
import bnlab.Tolerances;
import java.util.List;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The hand-written backward pass against central finite differences, in double precision.
 *
 * <p>The loss is linear in Y, L = Σ Y·R with a fixed random R, so ∂L/∂Y = R is the upstream
 * gradient, and every ∂L/∂θ is a plain derivative of the forward pass ({@link FiniteDifferences};
 * measured relative errors ≤ ~1e-9).
 */
class BatchNormGradientCheckTest {

    static List<long[]> shapes() {
        return List.of(
                new long[] {5, 3}, new long[] {7, 1}, new long[] {3, 2, 3, 5}, new long[] {2, 1, 5, 7}, new long[] {
                    4, 3, 1, 1
                });
    }

    /** Random inputs of one case, double precision. */
    record Case(INDArray x, INDArray gamma, INDArray beta, INDArray movingMean, INDArray movingVar, INDArray r) {
        static Case random(long[] shape, long seed) {
            Nd4j.getRandom().setSeed(seed);
            long[] pc = perChannelShape((int) shape[1], shape.length);
            return new Case(
                    Nd4j.randn(DataType.DOUBLE, shape).muli(2).addi(0.7),
                    Nd4j.rand(DataType.DOUBLE, pc).addi(0.5),
                    Nd4j.randn(DataType.DOUBLE, pc),
                    Nd4j.randn(DataType.DOUBLE, pc),
                    Nd4j.rand(DataType.DOUBLE, pc).addi(0.5),
                    Nd4j.randn(DataType.DOUBLE, shape));
        }

        double loss(Mode mode) {
            INDArray y = BatchNormFunction.batchNorm(
                            x,
                            gamma,
                            beta,
                            movingMean,
                            movingVar,
                            BatchNormFunction.EPS,
                            BatchNormFunction.MOMENTUM,
                            mode)
                    .y();
            return y.mul(r).sumNumber().doubleValue();
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void functionGradientsMatchFiniteDifferences(long[] shape) {
        for (Mode mode : Mode.values()) {
            Case k = Case.random(shape, 11 + shape.length * 100 + shape[0]);
            BatchNormResult fwd = BatchNormFunction.batchNorm(
                    k.x,
                    k.gamma,
                    k.beta,
                    k.movingMean,
                    k.movingVar,
                    BatchNormFunction.EPS,
                    BatchNormFunction.MOMENTUM,
                    mode);
            BatchNormGradients g = BatchNormFunction.batchNormBackward(k.r, fwd, k.gamma);
            DoubleSupplier loss = () -> k.loss(mode);
            String what = mode + " " + java.util.Arrays.toString(shape);
            check(g.dX(), numeric(k.x, loss), "dX " + what);
            check(g.dGamma(), numeric(k.gamma, loss), "dGamma " + what);
            check(g.dBeta(), numeric(k.beta, loss), "dBeta " + what);
        }
    }

    /** The layer's backward writes the same gradients into its parameters' grad arrays. */
    @ParameterizedTest
    @MethodSource("shapes")
    void layerGradientsMatchFiniteDifferences(long[] shape) {
        int c = (int) shape[1];
        for (Mode mode : Mode.values()) {
            Case k = Case.random(shape, 23 + shape.length * 100 + shape[0]);
            BatchNorm layer = new BatchNorm(c, shape.length, 1e-5, 0.9, DataType.DOUBLE);
            layer.gamma().assign(k.gamma);
            layer.beta().assign(k.beta);
            if (mode == Mode.INFERENCE) {
                // Non-trivial moving statistics first (from other batches), then freeze them.
                layer.forward(Nd4j.randn(DataType.DOUBLE, shape).muli(3).addi(1));
                layer.forward(Nd4j.randn(DataType.DOUBLE, shape).muli(2).subi(1));
                layer.eval();
            }
            DoubleSupplier loss = () -> layer.forward(k.x).mul(k.r).sumNumber().doubleValue();
            layer.forward(k.x);
            INDArray dX = layer.backward(k.r).dup();
            List<Parameter> params = layer.parameters();
            INDArray dGamma = params.get(0).grad().dup();
            INDArray dBeta = params.get(1).grad().dup();
            String what = "layer " + mode + " " + java.util.Arrays.toString(shape);
            assertEquals("gamma", params.get(0).name());
            check(dX, numeric(k.x, loss), "dX " + what);
            check(dGamma, numeric(layer.gamma(), loss), "dGamma " + what);
            check(dBeta, numeric(layer.beta(), loss), "dBeta " + what);
        }
    }

    static INDArray numeric(INDArray a, DoubleSupplier loss) {
        return FiniteDifferences.derivative(a, loss);
    }

    static void check(INDArray analytic, INDArray numeric, String what) {
        assertTrue(
                numeric.amaxNumber().doubleValue() > 1e-3,
                what + ": the numeric gradient is ~0, the check would prove nothing");
        double rel = FiniteDifferences.relativeError(analytic, numeric, what);
        assertTrue(
                rel <= Tolerances.FINITE_DIFFERENCES,
                what + ": relative error " + rel + " > " + Tolerances.FINITE_DIFFERENCES);
        WORST.merge(what.substring(0, what.indexOf(' ')), rel, Math::max);
    }

    /** Largest relative error per gradient over all cases, printed in the test log (the figure quoted in the README and the notebooks). */
    static final java.util.Map<String, Double> WORST = new java.util.concurrent.ConcurrentSkipListMap<>();

    @AfterAll
    static void report() {
        WORST.forEach((k, v) -> System.out.printf("finite differences, largest relative error of %s: %.2e%n", k, v));
    }
}
