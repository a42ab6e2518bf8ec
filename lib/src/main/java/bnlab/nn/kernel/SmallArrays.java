package bnlab.nn.kernel;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Small arrays (weights, gamma, beta, moving statistics, gradients, logits) read and written
 * straight through their buffers: an ND4J op costs ≥ 20 µs, more than a whole batch norm of a
 * (256, 120) input or a copy of a weight matrix, so these copies must not go through ops.
 */
public final class SmallArrays {

    private SmallArrays() {}

    public static double[] read(INDArray a) {
        int n = (int) a.length();
        double[] v = new double[n];
        if (a.dataType() == DataType.FLOAT && Tensor.contiguous(a)) {
            var b = a.data().asNioFloat();
            int off = (int) a.offset();
            for (int i = 0; i < n; i++) {
                v[i] = b.get(off + i);
            }
        } else if (a.dataType() == DataType.DOUBLE && Tensor.contiguous(a)) {
            a.data().asNioDouble().get((int) a.offset(), v, 0, n);
        } else {
            v = a.reshape(n).toDoubleVector();
        }
        return v;
    }

    /** Overwrites {@code a}'s values with {@code v}. */
    public static void write(INDArray a, double[] v) {
        if (a.dataType() == DataType.FLOAT && Tensor.contiguous(a)) {
            var b = a.data().asNioFloat();
            int off = (int) a.offset();
            for (int i = 0; i < v.length; i++) {
                b.put(off + i, (float) v[i]);
            }
        } else if (a.dataType() == DataType.DOUBLE && Tensor.contiguous(a)) {
            a.data().asNioDouble().put((int) a.offset(), v, 0, v.length);
        } else {
            a.assign(create(a, v));
        }
    }

    /** A new array with {@code template}'s shape and type holding {@code v}. */
    public static INDArray create(INDArray template, double[] v) {
        return create(template.dataType(), template.shape(), v);
    }

    /** A new C-ordered array of {@code type} and {@code shape} holding {@code v}. */
    public static INDArray create(DataType type, long[] shape, double[] v) {
        if (type == DataType.DOUBLE) {
            return Nd4j.create(v, shape, 'c');
        }
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        INDArray a = Nd4j.create(f, shape, 'c');
        return type == DataType.FLOAT ? a : a.castTo(type);
    }

    /** The values of {@code a} in C order as floats, into {@code into} when it has the right length. */
    public static float[] readFloats(INDArray a, float[] into) {
        int n = Math.toIntExact(a.length());
        float[] v = into != null && into.length == n ? into : new float[n];
        if (a.dataType() == DataType.FLOAT && a.ordering() == 'c' && Tensor.contiguous(a)) {
            a.data().asNioFloat().get(Math.toIntExact(a.offset()), v, 0, n);
        } else {
            System.arraycopy(a.dup('c').castTo(DataType.FLOAT).data().asFloat(), 0, v, 0, n);
        }
        return v;
    }

    /** Overwrites the values of {@code a} (C order) with the first {@code a.length()} of {@code v}. */
    public static void writeFloats(float[] v, INDArray a) {
        int n = Math.toIntExact(a.length());
        if (a.dataType() == DataType.FLOAT && a.ordering() == 'c' && Tensor.contiguous(a)) {
            a.data().asNioFloat().put(Math.toIntExact(a.offset()), v, 0, n);
        } else {
            double[] d = new double[n];
            for (int i = 0; i < n; i++) {
                d[i] = v[i];
            }
            write(a, d);
        }
    }
}
