package bnlab.nn;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The input checks the layers share, on shapes, so the layers and their fast twins fail with
 * the same message: each error says what was expected, what arrived, and the fix.
 */
final class LayerChecks {

    private LayerChecks() {
    }

    /** The shape of {@code x}; a null input is an error that names the layer. */
    static long[] shape(String layer, INDArray x) {
        if (x == null) {
            throw new IllegalArgumentException(layer + " got a null input");
        }
        return x.shape();
    }

    static void requireRank(String layer, long[] shape, int rank, String expected) {
        if (shape.length != rank) {
            throw new IllegalArgumentException(layer + " expects input of rank " + rank + " " + expected
                    + " but got rank " + shape.length + " " + Arrays.toString(shape));
        }
    }

    static void requireSize(String layer, long[] shape, int axis, long expected, String fix) {
        if (shape[axis] != expected) {
            throw new IllegalArgumentException(layer + " expects " + expected + " on axis " + axis
                    + " but got shape " + Arrays.toString(shape) + ": " + fix);
        }
    }

    static void requireForward(String layer, Object cached) {
        if (cached == null) {
            throw new IllegalStateException(layer + ".backward called before forward");
        }
    }

    static void requirePoolingArguments(String layer, int kernelSize, int stride) {
        if (kernelSize < 1 || stride < 1) {
            throw new IllegalArgumentException(layer + ": kernel size and stride must be >= 1, got "
                    + kernelSize + " and " + stride);
        }
    }

    /** (N, C, H, W) with C = channels (any C when channels &lt; 0) and H, W at least the kernel. */
    static void requireImage(String layer, long[] shape, int channels, int kernel) {
        requireRank(layer, shape, 4, "(N, C, H, W)");
        if (channels > 0) {
            requireSize(layer, shape, 1, channels, "the channel count must equal the out_channels of the layer before");
        }
        if (shape[2] < kernel || shape[3] < kernel) {
            throw new IllegalArgumentException(layer + ": the input " + shape[2] + "×" + shape[3]
                    + " is smaller than the " + kernel + "×" + kernel + " kernel");
        }
    }
}
