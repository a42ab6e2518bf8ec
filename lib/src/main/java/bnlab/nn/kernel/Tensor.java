package bnlab.nn.kernel;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A float tensor on the Java heap in C order, (N, C, H, W) or (N, F): what the fast engine's
 * layers pass to each other. A layer keeps its output tensor from one step to the next and
 * reuses the array when the next batch fits in it ({@link #reuse}), so a training step
 * allocates nothing large.
 */
public final class Tensor {

    /** The values; at least {@link #size()} long, only the first {@code size()} are meaningful. */
    public final float[] data;

    public final int n;
    public final int c;
    public final int h;
    public final int w;
    /** 2 for (N, F) (stored as (N, F, 1, 1)), 4 for (N, C, H, W). */
    public final int rank;

    private Tensor(float[] data, int n, int c, int h, int w, int rank) {
        this.data = data;
        this.n = n;
        this.c = c;
        this.h = h;
        this.w = w;
        this.rank = rank;
    }

    /** A tensor of this shape backed by {@code old}'s array when it is large enough, else a new one. */
    public static Tensor reuse(Tensor old, int n, int c, int h, int w, int rank) {
        return new Tensor(buffer(old == null ? null : old.data, (long) n * c * h * w), n, c, h, w, rank);
    }

    /**
     * The one buffer-reuse rule of the engine: {@code old} when it holds at least {@code size}
     * floats (its contents are stale), otherwise a new array. Buffers only grow, so after the
     * first batch of each size a step allocates nothing.
     */
    public static float[] buffer(float[] old, long size) {
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(
                    "a buffer of " + size + " floats is more than Java arrays hold: " + "use a smaller batch");
        }
        return old != null && old.length >= size ? old : new float[(int) size];
    }

    /** As {@link #reuse}, with {@code like}'s shape. */
    public static Tensor reuseLike(Tensor old, Tensor like) {
        return reuse(old, like.n, like.c, like.h, like.w, like.rank);
    }

    /** The same values seen with another shape of the same size (Flatten). */
    public Tensor reshape(int n, int c, int h, int w, int rank) {
        if ((long) n * c * h * w != size()) {
            throw new IllegalArgumentException(
                    "cannot reshape " + this + " to (" + n + ", " + c + ", " + h + ", " + w + ")");
        }
        return new Tensor(data, n, c, h, w, rank);
    }

    public int size() {
        return n * c * h * w;
    }

    /** H·W: the values of one channel of one example. */
    public int plane() {
        return h * w;
    }

    /** C·H·W: the values of one example. */
    public int example() {
        return c * h * w;
    }

    public long[] shape() {
        return rank == 2 ? new long[] {n, c} : new long[] {n, c, h, w};
    }

    /**
     * The values of a float (N, F) or (N, C, H, W) array, copied into {@code old}'s array when it
     * fits. Any ordering and strides are accepted (a non-contiguous array is copied first).
     */
    public static Tensor copyOf(INDArray a, Tensor old) {
        if (a.rank() != 2 && a.rank() != 4) {
            throw new IllegalArgumentException("the fast engine takes (N, F) or (N, C, H, W) arrays, got rank "
                    + a.rank() + " " + Arrays.toString(a.shape()));
        }
        if (a.dataType() != DataType.FLOAT) {
            a = a.castTo(DataType.FLOAT);
        }
        if (a.ordering() != 'c' || !contiguous(a)) {
            a = a.dup('c');
        }
        int n = (int) a.size(0);
        Tensor t = a.rank() == 2
                ? reuse(old, n, (int) a.size(1), 1, 1, 2)
                : reuse(old, n, (int) a.size(1), (int) a.size(2), (int) a.size(3), 4);
        a.data().asNioFloat().get(Math.toIntExact(a.offset()), t.data, 0, t.size());
        return t;
    }

    /** A new ND4J array holding a copy of these values: it stays valid whatever the engine does next. */
    public INDArray toINDArray() {
        INDArray a = Nd4j.createUninitialized(DataType.FLOAT, shape());
        a.data().asNioFloat().put(0, data, 0, size());
        return a;
    }

    /** True when the array's elements occupy one unbroken C-order run of its buffer. */
    public static boolean contiguous(INDArray a) {
        long expected = 1;
        for (int d = a.rank() - 1; d >= 0; d--) {
            if (a.size(d) != 1 && a.stride(d) != expected) {
                return false;
            }
            expected *= a.size(d);
        }
        return true;
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape());
    }
}
