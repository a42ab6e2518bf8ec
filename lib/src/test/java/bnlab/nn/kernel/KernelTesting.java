package bnlab.nn.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnlab.Tolerances;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** What the kernel tests share: tensors of seeded values, parameters, and one way to compare. */
final class KernelTesting {

    private KernelTesting() {}

    /** A parameter as a kernel sees it: a value and a gradient array of its shape. */
    record Trained(INDArray value, INDArray grad) implements TrainedArray {
        static Trained of(double[] values, long... shape) {
            INDArray v = Nd4j.create(values, shape, 'c').castTo(DataType.FLOAT);
            return new Trained(v, v.ulike());
        }
    }

    /** A tensor of the given shape ((N, F) when two sizes are given) with seeded values in [-2, 2). */
    static Tensor tensor(long seed, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        long size = 1;
        for (int d : shape) {
            size *= d;
        }
        double[] v = new double[(int) size];
        for (int i = 0; i < v.length; i++) {
            v[i] = 4 * r.nextDouble() - 2;
        }
        long[] s = new long[shape.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = shape[i];
        }
        return Tensor.copyOf(Nd4j.create(v, s, 'c').castTo(DataType.FLOAT), null);
    }

    static double[] values(Tensor t) {
        double[] v = new double[t.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = t.data[i];
        }
        return v;
    }

    static double[] values(INDArray a) {
        return a.castTo(DataType.DOUBLE).dup('c').reshape(a.length()).toDoubleVector();
    }

    /** Asserts max |e − a| / max(1, max |e|) ≤ {@link Tolerances#FLOAT}: float kernels against double loops. */
    static void assertClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        double scale = 1;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            double d = Math.abs(expected[i] - actual[i]);
            worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(worst, d);
        }
        assertTrue(worst / scale <= Tolerances.FLOAT, what + ": deviation " + worst / scale);
    }
}
