package bnlab.nn;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Layers keep their output and gradient arrays from one step to the next: ND4J frees native
 * memory only when the garbage collector runs, so a fresh multi-megabyte array per op costs
 * more than the op (DESIGN §4). A buffer is replaced only when the batch shape changes.
 */
final class Buffers {

    private Buffers() {
    }

    /** {@code old} if it has this type and shape, otherwise a new uninitialized array. */
    static INDArray reuse(INDArray old, DataType type, long... shape) {
        if (old != null && old.dataType() == type && Arrays.equals(old.shape(), shape)) {
            return old;
        }
        return Nd4j.createUninitialized(type, shape);
    }

    static void requireRank(String layer, INDArray x, int rank, String expected) {
        if (x == null || x.rank() != rank) {
            throw new IllegalArgumentException(layer + " expects input of rank " + rank + " " + expected
                    + " but got " + (x == null ? "null" : "rank " + x.rank() + " " + Arrays.toString(x.shape())));
        }
    }

    static void requireSize(String layer, INDArray x, int axis, long expected, String fix) {
        if (x.size(axis) != expected) {
            throw new IllegalArgumentException(layer + " expects " + expected + " on axis " + axis
                    + " but got shape " + Arrays.toString(x.shape()) + ": " + fix);
        }
    }

    static void requireForward(String layer, Object cached) {
        if (cached == null) {
            throw new IllegalStateException(layer + ".backward called before forward");
        }
    }
}
