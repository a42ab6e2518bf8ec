package bnlab.nn;

import java.nio.DoubleBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A C-ordered double tensor of shape (N, C, ...) seen as N rows of C·S numbers, copied row by
 * row into and out of a {@code double[]}: the storage {@link BatchNormKernel} works on.
 */
abstract class Rows {

    final int rows;
    final int width;

    private Rows(int rows, int width) {
        this.rows = rows;
        this.width = width;
    }

    /** Row access to {@code a}, which must be double, C-ordered and contiguous. */
    static Rows of(INDArray a) {
        if (a.ordering() != 'c' || !contiguous(a)) {
            throw new IllegalArgumentException("internal: rows need a contiguous C-ordered array, got " + a.shapeInfoToString());
        }
        int n = (int) a.size(0);
        int w = (int) (a.length() / Math.max(n, 1));
        long offset = a.offset();
        if (a.dataType() == DataType.DOUBLE) {
            return new DoubleRows(n, w, a.data().asNioDouble(), offset);
        }
        throw new IllegalArgumentException("internal: rows of " + a.dataType());
    }

    /** True when the array's elements occupy one unbroken C-order run of its buffer. */
    static boolean contiguous(INDArray a) {
        long expected = 1;
        for (int d = a.rank() - 1; d >= 0; d--) {
            if (a.size(d) != 1 && a.stride(d) != expected) {
                return false;
            }
            expected *= a.size(d);
        }
        return true;
    }

    abstract void read(int row, double[] into);

    abstract void write(int row, double[] from);

    private static final class DoubleRows extends Rows {
        private final DoubleBuffer buffer;
        private final int offset;

        DoubleRows(int rows, int width, DoubleBuffer buffer, long offset) {
            super(rows, width);
            this.buffer = buffer;
            this.offset = Math.toIntExact(offset);
        }

        @Override
        void read(int row, double[] into) {
            buffer.get(offset + row * width, into, 0, width);
        }

        @Override
        void write(int row, double[] from) {
            buffer.put(offset + row * width, from, 0, width);
        }
    }
}
