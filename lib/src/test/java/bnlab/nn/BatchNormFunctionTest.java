package bnlab.nn;

import static bnlab.nn.BatchNormTesting.ones;
import static bnlab.nn.BatchNormTesting.zeros;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import bnlab.Tolerances;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** The function against hand-checkable cases, d2l's code written with ND4J ops (the oracle below), and itself in double. */
class BatchNormFunctionTest {

    /** Float results must match the double computation to a few units in the last place. */
    @Test
    void handCheckableTwoByTwo() {
        // Each column has mean 2 or 3 and variance 1, so (with eps 0) the output is ±1.
        INDArray x = Nd4j.createFromArray(new float[][] {{1, 2}, {3, 4}});
        BatchNormResult r = BatchNormFunction.batchNorm(
                x,
                ones(2, 2, DataType.FLOAT),
                zeros(2, 2, DataType.FLOAT),
                zeros(2, 2, DataType.FLOAT),
                ones(2, 2, DataType.FLOAT),
                1e-12,
                0.9,
                Mode.TRAINING);
        assertArrayEquals(new float[] {-1, -1, 1, 1}, r.y().reshape(4).toFloatVector(), 1e-6f);
        // moving = 0.9 * moving + 0.1 * batch: mean 0 -> 0.2, 0.3; variance 1 -> 1.0
        assertArrayEquals(new double[] {0.2, 0.3}, r.movingMean().reshape(2).toDoubleVector(), 1e-7);
        assertArrayEquals(new double[] {1.0, 1.0}, r.movingVar().reshape(2).toDoubleVector(), 1e-7);
    }

    @Test
    void inferenceUsesTheMovingStatisticsAndLeavesThemAlone() {
        INDArray x = Nd4j.createFromArray(new double[][] {{1, 2}, {3, 4}, {5, 9}});
        INDArray mean = Nd4j.createFromArray(new double[][] {{1, 2}});
        INDArray var = Nd4j.createFromArray(new double[][] {{4, 16}});
        BatchNormResult r = BatchNormFunction.batchNorm(
                x, ones(2, 2, DataType.DOUBLE), zeros(2, 2, DataType.DOUBLE), mean, var, 1e-5, 0.9, Mode.INFERENCE);
        double[] expected = {
            0, 0, 2 / Math.sqrt(4 + 1e-5), 2 / Math.sqrt(16 + 1e-5), 4 / Math.sqrt(4 + 1e-5), 7 / Math.sqrt(16 + 1e-5)
        };
        assertArrayEquals(expected, r.y().reshape(6).toDoubleVector(), 1e-15);
        assertSame(mean, r.movingMean());
        assertSame(var, r.movingVar());
    }

    static Object[][] shapes() {
        return new Object[][] {
            {new long[] {7, 3}},
            {new long[] {256, 120}},
            {new long[] {5, 1}},
            {new long[] {4, 6, 5, 5}},
            {new long[] {3, 1, 7, 3}},
            {new long[] {64, 6, 24, 24}}
        };
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void theFunctionAgreesWithD2lStyleOpsInDoubleAndFloat(long[] shape) {
        int c = (int) shape[1];
        int rank = shape.length;
        Nd4j.getRandom().setSeed(7);
        INDArray x = Nd4j.randn(DataType.DOUBLE, shape).muli(3).addi(1.5);
        INDArray gamma = Nd4j.rand(DataType.DOUBLE, rank == 2 ? new long[] {1, c} : new long[] {1, c, 1, 1})
                .addi(0.5);
        INDArray beta = Nd4j.randn(DataType.DOUBLE, gamma.shape());
        INDArray mm = Nd4j.randn(DataType.DOUBLE, gamma.shape());
        INDArray mv = Nd4j.rand(DataType.DOUBLE, gamma.shape()).addi(0.5);
        INDArray dY = Nd4j.randn(DataType.DOUBLE, shape);
        for (Mode mode : Mode.values()) {
            BatchNormResult ref = d2lStyle(x, gamma, beta, mm, mv, 1e-5, 0.9, mode);
            BatchNormGradients refG = d2lStyleBackward(dY, ref, gamma);
            BatchNormResult fast = BatchNormFunction.batchNorm(x, gamma, beta, mm, mv, 1e-5, 0.9, mode);
            BatchNormGradients fastG = BatchNormFunction.batchNormBackward(dY, fast, gamma);
            assertClose(ref.y(), fast.y(), Tolerances.DOUBLE, "y " + mode);
            assertClose(ref.movingMean(), fast.movingMean(), Tolerances.DOUBLE, "moving mean " + mode);
            assertClose(ref.movingVar(), fast.movingVar(), Tolerances.DOUBLE, "moving var " + mode);
            assertClose(refG.dX(), fastG.dX(), 10 * Tolerances.DOUBLE, "dX " + mode);
            assertClose(refG.dGamma(), fastG.dGamma(), 10 * Tolerances.DOUBLE, "dGamma " + mode);
            assertClose(refG.dBeta(), fastG.dBeta(), 10 * Tolerances.DOUBLE, "dBeta " + mode);

            INDArray xf = x.castTo(DataType.FLOAT);
            BatchNormResult flt = BatchNormFunction.batchNorm(
                    xf,
                    gamma.castTo(DataType.FLOAT),
                    beta.castTo(DataType.FLOAT),
                    mm.castTo(DataType.FLOAT),
                    mv.castTo(DataType.FLOAT),
                    1e-5,
                    0.9,
                    mode);
            BatchNormGradients fltG =
                    BatchNormFunction.batchNormBackward(dY.castTo(DataType.FLOAT), flt, gamma.castTo(DataType.FLOAT));
            BatchNormResult exact = BatchNormFunction.batchNorm(
                    xf.castTo(DataType.DOUBLE),
                    gamma.castTo(DataType.FLOAT).castTo(DataType.DOUBLE),
                    beta.castTo(DataType.FLOAT).castTo(DataType.DOUBLE),
                    mm.castTo(DataType.FLOAT).castTo(DataType.DOUBLE),
                    mv.castTo(DataType.FLOAT).castTo(DataType.DOUBLE),
                    1e-5,
                    0.9,
                    mode);
            BatchNormGradients exactG = BatchNormFunction.batchNormBackward(
                    dY.castTo(DataType.FLOAT).castTo(DataType.DOUBLE),
                    exact,
                    gamma.castTo(DataType.FLOAT).castTo(DataType.DOUBLE));
            assertClose(exact.y(), flt.y(), Tolerances.FLOAT_ROUNDED_ONCE, "float y " + mode);
            assertClose(exact.movingVar(), flt.movingVar(), Tolerances.FLOAT_ROUNDED_ONCE, "float moving var " + mode);
            assertClose(exactG.dX(), fltG.dX(), 20 * Tolerances.FLOAT_ROUNDED_ONCE, "float dX " + mode);
            assertClose(exactG.dGamma(), fltG.dGamma(), Tolerances.FLOAT_ROUNDED_ONCE, "float dGamma " + mode);
        }
    }

    /** Kept for the other bnlab.nn tests that call it; the helper lives in {@link BatchNormTesting}. */
    static void assertClose(INDArray expected, INDArray actual, double tol, String what) {
        BatchNormTesting.assertClose(expected, actual, tol, what);
    }

    /**
     * The oracle: batch norm written line for line like d2l's {@code batch_norm} (notebook 2 writes
     * the same), with ND4J ops on whole tensors.
     */
    static BatchNormResult d2lStyle(
            INDArray X,
            INDArray gamma,
            INDArray beta,
            INDArray movingMean,
            INDArray movingVar,
            double eps,
            double momentum,
            Mode mode) {
        int channels = (int) X.size(1);
        long[] shape = X.rank() == 2 ? new long[] {1, channels} : new long[] {1, channels, 1, 1};
        gamma = gamma.reshape(shape);
        beta = beta.reshape(shape);
        INDArray mean;
        INDArray var;
        if (mode == Mode.INFERENCE) {
            mean = movingMean.reshape(shape);
            var = movingVar.reshape(shape);
        } else {
            int[] axes = X.rank() == 2 ? new int[] {0} : new int[] {0, 2, 3};
            mean = X.mean(true, axes);
            var = Transforms.pow(X.sub(mean), 2).mean(true, axes);
            movingMean = movingMean
                    .mul(momentum)
                    .add(mean.reshape(movingMean.shape()).mul(1.0 - momentum));
            movingVar =
                    movingVar.mul(momentum).add(var.reshape(movingVar.shape()).mul(1.0 - momentum));
        }
        INDArray invStd = Transforms.pow(var.add(eps), -0.5);
        INDArray xHat = X.sub(mean).mul(invStd);
        return new BatchNormResult(xHat.mul(gamma).add(beta), movingMean, movingVar, xHat, invStd, mode);
    }

    /** The oracle's backward, as notebook 3b derives it: dX = γ/√(σ²+ε)·(dY − dβ/m − x̂·dγ/m) in training. */
    static BatchNormGradients d2lStyleBackward(INDArray dY, BatchNormResult forward, INDArray gamma) {
        INDArray xHat = forward.xHat();
        int[] axes = xHat.rank() == 2 ? new int[] {0} : new int[] {0, 2, 3};
        double m = xHat.length() / xHat.size(1);
        INDArray invStd = forward.invStd();
        gamma = gamma.reshape(invStd.shape());
        INDArray dBeta = dY.sum(true, axes);
        INDArray dGamma = dY.mul(xHat).sum(true, axes);
        INDArray dX = forward.mode() == Mode.TRAINING
                ? dY.sub(dBeta.div(m)).sub(xHat.mul(dGamma.div(m))).mul(gamma.mul(invStd))
                : dY.mul(gamma.mul(invStd));
        return new BatchNormGradients(dX, dGamma.reshape(gamma.shape()), dBeta.reshape(gamma.shape()));
    }
}
