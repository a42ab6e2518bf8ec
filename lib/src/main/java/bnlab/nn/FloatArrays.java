package bnlab.nn;

import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Bulk copies between contiguous float tensors and heap {@code float[]}, for the loops the
 * JIT compiles better than a sequence of ND4J ops on strided views (im2col, col2im, pooling).
 */
final class FloatArrays {

    /** Below this many elements of work a second thread costs more than it saves. */
    static final int PARALLEL_THRESHOLD = 1 << 17;

    private FloatArrays() {
    }

    /** True when {@code a} can take the float fast path: float, C-ordered, contiguous. */
    static boolean fast(INDArray a) {
        return a.dataType() == DataType.FLOAT && a.ordering() == 'c' && Rows.contiguous(a);
    }

    /** The values of a contiguous float tensor, into {@code into} if it is large enough. */
    static float[] read(INDArray a, float[] into) {
        int n = Math.toIntExact(a.length());
        float[] v = into != null && into.length >= n ? into : new float[n];
        a.data().asNioFloat().get(Math.toIntExact(a.offset()), v, 0, n);
        return v;
    }

    /** Writes {@code v[from .. from+len)} into a contiguous float tensor at element {@code at}. */
    static void write(INDArray a, long at, float[] v, int from, int len) {
        a.data().asNioFloat().put(Math.toIntExact(a.offset() + at), v, from, len);
    }

    /** Runs {@code body(i)} for i in [0, count), on two threads when there is enough work. */
    static void forEach(int count, long workPerItem, java.util.function.IntConsumer body) {
        if (count < 2 || count * workPerItem < PARALLEL_THRESHOLD) {
            for (int i = 0; i < count; i++) {
                body.accept(i);
            }
        } else {
            IntStream.range(0, count).parallel().forEach(body);
        }
    }
}
