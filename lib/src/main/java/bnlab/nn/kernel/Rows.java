package bnlab.nn.kernel;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A C-ordered float or double tensor of shape (N, C, ...) seen as N rows of C·S numbers, copied
 * row by row into and out of a {@code double[]}: the storage {@link BatchNormRows} works on.
 */
public abstract class Rows {

    final int rows;
    final int width;

    private Rows(int rows, int width) {
        this.rows = rows;
        this.width = width;
    }

    /** Row access to {@code a}, which must be float or double, C-ordered and contiguous. */
    public static Rows of(INDArray a) {
        if (a.ordering() != 'c' || !Tensor.contiguous(a)) {
            throw new IllegalArgumentException(
                    "internal: rows need a contiguous C-ordered array, got " + a.shapeInfoToString());
        }
        int n = (int) a.size(0);
        int w = (int) (a.length() / Math.max(n, 1));
        long offset = a.offset();
        if (a.dataType() == DataType.DOUBLE) {
            return new DoubleRows(n, w, a.data().asNioDouble(), offset);
        }
        if (a.dataType() == DataType.FLOAT) {
            return new FloatRows(n, w, a.data().asNioFloat(), offset);
        }
        throw new IllegalArgumentException("internal: rows of " + a.dataType());
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

    /** Float rows, widened to double on the way in and rounded once on the way out. */
    private static final class FloatRows extends Rows {
        private final FloatBuffer buffer;
        private final int offset;

        FloatRows(int rows, int width, FloatBuffer buffer, long offset) {
            super(rows, width);
            this.buffer = buffer;
            this.offset = Math.toIntExact(offset);
        }

        @Override
        void read(int row, double[] into) {
            int at = offset + row * width;
            for (int i = 0; i < width; i++) {
                into[i] = buffer.get(at + i);
            }
        }

        @Override
        void write(int row, double[] from) {
            int at = offset + row * width;
            for (int i = 0; i < width; i++) {
                buffer.put(at + i, (float) from[i]);
            }
        }
    }
}
