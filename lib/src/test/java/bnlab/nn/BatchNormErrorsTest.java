package bnlab.nn;

import static bnlab.nn.BatchNormTesting.ones;
import static bnlab.nn.BatchNormTesting.zeros;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Bad input fails at once with a message that names the problem (what was expected, what
 * arrived) and the fix: a student reads it in a notebook, far from the line that caused it.
 */
class BatchNormErrorsTest {

    static final DataType F = DataType.FLOAT;

    /** Runs {@code call}, expects the exception type, and checks each phrase is in its message. */
    static <T extends Throwable> String expect(Class<T> type, Executable call, String... phrases) {
        String message = assertThrows(type, call).getMessage();
        for (String p : phrases) {
            assertTrue(message.contains(p), "message lacks \"" + p + "\": " + message);
        }
        return message;
    }

    static BatchNormResult train(INDArray x, INDArray gamma, double eps, double momentum) {
        int c = (int) x.size(1);
        int rank = x.rank() == 4 ? 4 : 2;
        return BatchNormFunction.batchNorm(
                x, gamma, zeros(c, rank, F), zeros(c, rank, F), ones(c, rank, F), eps, momentum, Mode.TRAINING);
    }

    @Test
    void rankThreeInput() {
        INDArray x = Nd4j.rand(F, 4, 3, 5);
        expect(
                IllegalArgumentException.class,
                () -> train(x, ones(3, 2, F), 1e-5, 0.9),
                "rank 2 (N, C)",
                "rank 4 (N, C, H, W)",
                "got rank 3",
                "[4, 3, 5]",
                "Reshape X");
        // The layer must not suggest the other numDims: no numDims fits a rank-3 input.
        String m = expect(
                IllegalArgumentException.class,
                () -> new BatchNorm(3, 2).forward(x),
                "rank 2",
                "got rank 3",
                "[4, 3, 5]",
                "reshape");
        assertFalse(m.contains("numDims=4"), "a rank-3 input cannot be fixed by numDims=4: " + m);
    }

    @Test
    void rankNotMatchingNumDims() {
        expect(
                IllegalArgumentException.class,
                () -> new BatchNorm(3, 2).forward(Nd4j.rand(F, 2, 3, 4, 4)),
                "expects input of rank 2",
                "got rank 4",
                "[2, 3, 4, 4]",
                "numDims=4");
        expect(
                IllegalArgumentException.class,
                () -> new BatchNorm(3, 4).forward(Nd4j.rand(F, 5, 3)),
                "expects input of rank 4",
                "got rank 2",
                "[5, 3]",
                "numDims=2");
        expect(IllegalArgumentException.class, () -> new BatchNorm(3, 3), "numDims must be 2", "or 4", "got 3");
    }

    @Test
    void channelsNotMatchingNumFeatures() {
        expect(
                IllegalArgumentException.class,
                () -> new BatchNorm(6, 4).forward(Nd4j.rand(F, 2, 16, 5, 5)),
                "expects 6 channels",
                "got 16",
                "[2, 16, 5, 5]",
                "numFeatures must equal");
        expect(
                IllegalArgumentException.class,
                () -> new BatchNorm(120, 2).forward(Nd4j.rand(F, 4, 84)),
                "expects 120 channels",
                "got 84",
                "numFeatures must equal");
    }

    @Test
    void perChannelArraysOfTheWrongLength() {
        INDArray x = Nd4j.rand(F, 4, 3);
        expect(
                IllegalArgumentException.class,
                () -> train(x, ones(5, 2, F), 1e-5, 0.9),
                "gamma has 5 values",
                "X has 3 channels",
                "one value per channel",
                "(1, 3)");
        expect(
                IllegalArgumentException.class,
                () -> BatchNormFunction.batchNorm(
                        x, ones(3, 2, F), zeros(3, 2, F), zeros(2, 2, F), ones(3, 2, F), 1e-5, 0.9, Mode.INFERENCE),
                "movingMean has 2 values",
                "3 channels");
        BatchNormResult r = train(x, ones(3, 2, F), 1e-5, 0.9);
        expect(
                IllegalArgumentException.class,
                () -> BatchNormFunction.batchNormBackward(x, r, ones(4, 2, F)),
                "gamma has 4 values",
                "3 channels");
    }

    @Test
    void trainingBatchWithOneValuePerChannel() {
        String[] phrases = {"more than one value per channel", "batch of 2 or more", "eval()"};
        expect(IllegalArgumentException.class, () -> train(Nd4j.rand(F, 1, 3), ones(3, 2, F), 1e-5, 0.9), phrases);
        expect(
                IllegalArgumentException.class,
                () -> train(Nd4j.rand(F, 1, 3, 1, 1), ones(3, 4, F), 1e-5, 0.9),
                phrases);
        expect(IllegalArgumentException.class, () -> new BatchNorm(3, 4).forward(Nd4j.rand(F, 1, 3, 1, 1)), phrases);
        // One example with a 2x2 map has four values per channel: that is a valid batch.
        train(Nd4j.rand(F, 1, 3, 2, 2), ones(3, 4, F), 1e-5, 0.9);
    }

    @Test
    void nonFiniteInputGivesNonFiniteStatistics() {
        for (DataType t : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
                INDArray x = Nd4j.rand(t, 4, 3, 2, 2);
                x.putScalar(new long[] {2, 1, 0, 1}, bad);
                expect(
                        IllegalArgumentException.class,
                        () -> new BatchNorm(3, 4, 1e-5, 0.9, t).forward(x),
                        "channel 1",
                        "NaN or infinite",
                        "learning rate");
            }
        }
        // Broken moving statistics are caught in inference mode, with their own fix.
        BatchNorm layer = new BatchNorm(3, 2);
        layer.movingVar().putScalar(2, -1);
        layer.eval();
        expect(
                IllegalArgumentException.class,
                () -> layer.forward(Nd4j.rand(F, 4, 3)),
                "channel 2",
                "moving statistics",
                "variance 1");
    }

    @Test
    void epsMustBePositive() {
        INDArray x = Nd4j.rand(F, 4, 3);
        for (double eps : new double[] {0, -1e-5, Double.NaN}) {
            expect(
                    IllegalArgumentException.class,
                    () -> train(x, ones(3, 2, F), eps, 0.9),
                    "eps must be a small positive number",
                    "1e-5",
                    "got " + eps);
            expect(IllegalArgumentException.class, () -> new BatchNorm(3, 2, eps, 0.9, F), "eps must be");
        }
    }

    @Test
    void momentumMustBeInZeroOne() {
        INDArray x = Nd4j.rand(F, 4, 3);
        for (double momentum : new double[] {-0.1, 1.5, Double.NaN}) {
            expect(
                    IllegalArgumentException.class,
                    () -> train(x, ones(3, 2, F), 1e-5, momentum),
                    "momentum must be in [0, 1]",
                    "0.9",
                    "PyTorch's momentum=0.1",
                    "got " + momentum);
            expect(IllegalArgumentException.class, () -> new BatchNorm(3, 2, 1e-5, momentum, F), "momentum must be");
        }
    }

    @Test
    void gradientOfTheWrongShape() {
        INDArray x = Nd4j.rand(F, 4, 3);
        BatchNormResult r = train(x, ones(3, 2, F), 1e-5, 0.9);
        expect(
                IllegalArgumentException.class,
                () -> BatchNormFunction.batchNormBackward(Nd4j.rand(F, 3, 4), r, ones(3, 2, F)),
                "dY must have the output's shape",
                "[4, 3]",
                "got [3, 4]");
        BatchNorm layer = new BatchNorm(3, 4);
        layer.forward(Nd4j.rand(F, 2, 3, 2, 2));
        expect(
                IllegalArgumentException.class,
                () -> layer.backward(Nd4j.rand(F, 2, 3, 2, 3)),
                "[2, 3, 2, 2]",
                "got [2, 3, 2, 3]");
    }

    @Test
    void backwardBeforeForward() {
        expect(
                IllegalStateException.class,
                () -> new BatchNorm(3, 2).backward(Nd4j.rand(F, 4, 3)),
                "backward",
                "before forward");
    }

    /** Whole-number parameters would round every update of the moving statistics away (they stayed at 0). */
    @Test
    void wholeNumberParameters() {
        expect(
                IllegalArgumentException.class,
                () -> new BatchNorm(3, 2, 1e-5, 0.9, DataType.INT32),
                "got INT",
                "would round every update",
                "Use DataType.FLOAT");
    }

    /** A null mode used to mean inference: say which two modes there are. */
    @Test
    void nullMode() {
        INDArray x = Nd4j.rand(F, 4, 3);
        for (Executable call : new Executable[] {
            () -> BatchNormFunction.batchNorm(
                    x, ones(3, 2, F), zeros(3, 2, F), zeros(3, 2, F), ones(3, 2, F), 1e-5, 0.9, null)
        }) {
            expect(IllegalArgumentException.class, call, "mode is null", "Mode.TRAINING", "Mode.INFERENCE");
        }
    }
}
