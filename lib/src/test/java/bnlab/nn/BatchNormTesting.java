package bnlab.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** What the batch norm tests share: one way to measure a deviation, and per-channel arrays. */
final class BatchNormTesting {

    private BatchNormTesting() {}

    /** The shape of a per-channel array for an input of the given rank: (1, C) or (1, C, 1, 1). */
    static long[] perChannelShape(int c, int rank) {
        return rank == 2 ? new long[] {1, c} : new long[] {1, c, 1, 1};
    }

    static INDArray ones(int c, int rank, DataType t) {
        return Nd4j.ones(t, perChannelShape(c, rank));
    }

    static INDArray zeros(int c, int rank, DataType t) {
        return Nd4j.zeros(t, perChannelShape(c, rank));
    }

    /** The values of any array as a flat double[] in C order. */
    static double[] flat(INDArray a) {
        return a.castTo(DataType.DOUBLE).dup('c').reshape(a.length()).toDoubleVector();
    }

    /** max |e − a| / (1 + max |e|): relative for large values, absolute near zero. */
    static double deviation(INDArray expected, INDArray actual) {
        assertArrayEquals(expected.shape(), actual.shape(), "shape");
        return deviation(flat(expected), flat(actual));
    }

    static double deviation(double[] e, double[] a) {
        assertTrue(e.length == a.length, "lengths " + e.length + " vs " + a.length);
        double scale = 1;
        double worst = 0;
        for (int i = 0; i < e.length; i++) {
            scale = Math.max(scale, Math.abs(e[i]));
            // NaN must fail, so it is not allowed to vanish in Math.max.
            double d = Math.abs(e[i] - a[i]);
            worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(worst, d);
        }
        return worst / scale;
    }

    /** Asserts {@link #deviation} ≤ tol and returns the deviation, for the tests that report it. */
    static double assertClose(INDArray expected, INDArray actual, double tol, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + " shape");
        return assertClose(flat(expected), flat(actual), tol, what);
    }

    static double assertClose(double[] expected, double[] actual, double tol, String what) {
        double dev = deviation(expected, actual);
        assertTrue(dev <= tol, what + ": deviation " + dev + " > " + tol);
        return dev;
    }
}
