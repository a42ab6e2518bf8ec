package bnlab.nn;

import static bnlab.nn.BatchNormTesting.assertClose;
import static bnlab.nn.BatchNormTesting.flat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnlab.Tolerances;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The BatchNorm layer's bookkeeping: mode, initial values, state vs parameters, gradients. */
class BatchNormLayerTest {

    /** The layer is the function plus bookkeeping, so both give the same numbers in double. */
    static INDArray input(int rank, int c, long seed) {
        Nd4j.getRandom().setSeed(seed);
        long[] shape = rank == 2 ? new long[] {8, c} : new long[] {3, c, 4, 5};
        return Nd4j.randn(DataType.DOUBLE, shape).muli(2).addi(1.5);
    }

    static BatchNorm layer(int c, int rank) {
        return new BatchNorm(c, rank, 1e-5, 0.9, DataType.DOUBLE);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 4})
    void newLayerIsTrainingWithGammaOneBetaZeroMeanZeroVarOne(int rank) {
        BatchNorm bn = new BatchNorm(5, rank);
        long[] shape = rank == 2 ? new long[] {1, 5} : new long[] {1, 5, 1, 1};
        assertTrue(bn.isTraining());
        assertEquals(5, bn.numFeatures());
        assertEquals(rank, bn.numDims());
        assertEquals(1e-5, bn.eps());
        assertEquals(0.9, bn.momentum());
        for (INDArray a : new INDArray[] {bn.gamma(), bn.beta(), bn.movingMean(), bn.movingVar()}) {
            assertArrayEquals(shape, a.shape());
            assertEquals(DataType.FLOAT, a.dataType());
        }
        assertArrayEquals(new double[] {1, 1, 1, 1, 1}, flat(bn.gamma()));
        assertArrayEquals(new double[5], flat(bn.beta()));
        assertArrayEquals(new double[5], flat(bn.movingMean()));
        assertArrayEquals(new double[] {1, 1, 1, 1, 1}, flat(bn.movingVar()));
        assertTrue(bn.toString().contains("training") && bn.toString().contains("momentum=0.9"), bn.toString());
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 4})
    void parametersAreGammaAndBetaOnlyAndTheMovingStatisticsAreState(int rank) {
        BatchNorm bn = layer(3, rank);
        List<Parameter> params = bn.parameters();
        assertEquals(2, params.size());
        assertEquals("gamma", params.get(0).name());
        assertEquals("beta", params.get(1).name());
        // The optimizer updates these very arrays in place, so the layer must see the change.
        assertSame(bn.gamma(), params.get(0).value());
        assertSame(bn.beta(), params.get(1).value());
        for (Parameter p : params) {
            assertNotSame(bn.movingMean(), p.value());
            assertNotSame(bn.movingVar(), p.value());
            assertArrayEquals(p.value().shape(), p.grad().shape());
        }
        params.get(0).value().assign(2);
        INDArray x = input(rank, 3, 1);
        INDArray y = bn.forward(x).dup();
        BatchNormResult expected = BatchNormFunction.batchNorm(
                x,
                Nd4j.valueArrayOf(bn.gamma().shape(), 2.0),
                bn.beta(),
                Nd4j.zeros(bn.gamma().shape()),
                Nd4j.ones(bn.gamma().shape()),
                1e-5,
                0.9,
                Mode.TRAINING);
        assertClose(expected.y(), y, Tolerances.DOUBLE, "y with gamma set through parameters()");
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 4})
    void evalUsesTheMovingStatisticsAndDoesNotChangeThem(int rank) {
        BatchNorm bn = layer(3, rank);
        bn.forward(input(rank, 3, 2));
        bn.forward(input(rank, 3, 3).muli(3));
        INDArray mean = bn.movingMean().dup();
        INDArray var = bn.movingVar().dup();
        assertSame(bn, bn.eval());
        assertFalse(bn.isTraining());
        INDArray x = input(rank, 3, 4);
        INDArray y = bn.forward(x).dup();
        // Written out: (x − moving mean) / sqrt(moving var + eps), gamma 1, beta 0.
        INDArray expected = x.sub(mean).div(Nd4j.math().sqrt(var.add(1e-5)));
        assertClose(expected, y, Tolerances.DOUBLE, "inference output");
        assertClose(mean, bn.movingMean(), 0, "moving mean after eval forward");
        assertClose(var, bn.movingVar(), 0, "moving var after eval forward");
        // One example is fine in inference mode: nothing is estimated from the batch.
        bn.forward(x.get(NDArrayIndex.interval(0, 1)));
        assertClose(mean, bn.movingMean(), 0, "moving mean after a single example");
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 4})
    void trainUpdatesTheMovingStatisticsAgain(int rank) {
        BatchNorm bn = layer(3, rank);
        bn.eval();
        bn.forward(input(rank, 3, 5));
        assertArrayEquals(new double[3], flat(bn.movingMean()), "eval must not move the mean");
        assertSame(bn, bn.train());
        assertTrue(bn.isTraining());
        INDArray x = input(rank, 3, 6);
        int[] axes = rank == 2 ? new int[] {0} : new int[] {0, 2, 3};
        INDArray batchMean = x.mean(axes);
        INDArray batchVar = x.var(false, axes);
        bn.forward(x);
        assertClose(
                batchMean.mul(0.1), bn.movingMean().reshape(3), Tolerances.DOUBLE, "moving mean = 0.9·0 + 0.1·batch");
        assertClose(
                batchVar.mul(0.1).add(0.9),
                bn.movingVar().reshape(3),
                Tolerances.DOUBLE,
                "moving var = 0.9·1 + 0.1·batch");
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 4})
    void backwardWritesIntoTheParametersGradArrays(int rank) {
        BatchNorm bn = layer(3, rank);
        bn.gamma()
                .assign(Nd4j.createFromArray(0.5, 2.0, -1.0).reshape(bn.gamma().shape()));
        bn.beta().assign(Nd4j.createFromArray(0.1, 0.2, 0.3).reshape(bn.beta().shape()));
        INDArray gradGamma = bn.parameters().get(0).grad();
        INDArray gradBeta = bn.parameters().get(1).grad();
        for (long seed = 7; seed < 9; seed++) {
            INDArray x = input(rank, 3, seed);
            INDArray dY = Nd4j.randn(DataType.DOUBLE, x.shape());
            BatchNormResult fwd = BatchNormFunction.batchNorm(
                    x, bn.gamma(), bn.beta(), bn.movingMean(), bn.movingVar(), 1e-5, 0.9, Mode.TRAINING);
            BatchNormGradients expected = BatchNormFunction.batchNormBackward(dY, fwd, bn.gamma());
            bn.forward(x);
            INDArray dX = bn.backward(dY);
            // Same arrays as before (an optimizer may hold them), new values (overwritten, not added).
            assertSame(gradGamma, bn.parameters().get(0).grad());
            assertSame(gradBeta, bn.parameters().get(1).grad());
            assertClose(expected.dGamma(), gradGamma, Tolerances.DOUBLE, "dGamma in parameters()");
            assertClose(expected.dBeta(), gradBeta, Tolerances.DOUBLE, "dBeta in parameters()");
            assertClose(expected.dX(), dX, Tolerances.DOUBLE, "dX");
        }
    }

    /** A strided view (here: every other example) must give what its compact copy gives. */
    @Test
    void nonContiguousInputIsHandled() {
        INDArray big = input(4, 3, 10);
        INDArray view = big.get(
                NDArrayIndex.interval(0, 2, 3), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(1, 4));
        BatchNorm a = layer(3, 4);
        BatchNorm b = layer(3, 4);
        assertClose(b.forward(view.dup()), a.forward(view), Tolerances.DOUBLE, "forward of a strided view");
        INDArray dY = Nd4j.randn(DataType.DOUBLE, 4, 3, 4, 6)
                .get(
                        NDArrayIndex.interval(0, 2, 4),
                        NDArrayIndex.all(),
                        NDArrayIndex.all(),
                        NDArrayIndex.interval(2, 5));
        assertClose(b.backward(dY.dup()), a.backward(dY), Tolerances.DOUBLE, "backward of a strided view");
        assertClose(b.movingVar(), a.movingVar(), Tolerances.DOUBLE, "moving var");
    }
}
