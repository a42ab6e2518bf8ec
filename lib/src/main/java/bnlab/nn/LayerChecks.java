package bnlab.nn;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The input checks the layers share, on shapes, so the layers and their fast twins fail with
 * the same message: each error says what was expected, what arrived, and the fix.
 */
final class LayerChecks {

    private LayerChecks() {}

    /** The shape of {@code x}; a null input or an empty batch is an error that names the layer. */
    static long[] shape(String layer, INDArray x) {
        if (x == null) {
            throw new IllegalArgumentException(layer + " got a null input");
        }
        long[] shape = x.shape();
        notEmpty(layer, shape);
        return shape;
    }

    /** A batch with no example, or with a zero-sized axis, is refused with the shape it had. */
    static void notEmpty(String layer, long[] shape) {
        if (shape.length == 0 || Arrays.stream(shape).anyMatch(d -> d == 0)) {
            throw new IllegalArgumentException(layer + " got an empty batch, shape " + Arrays.toString(shape)
                    + ": a batch needs at least one example with at least one value; check the slice or the "
                    + "data set that produced it (an empty data set gives empty batches)");
        }
    }

    /**
     * dY of a layer's backward must have the shape of the output of its latest forward: one
     * gradient value per output value. A transposed or otherwise reshaped dY of the right length
     * would be read in the wrong order and train silently wrong.
     */
    static void gradient(String layer, INDArray dY, long[] outputShape) {
        if (dY == null || !Arrays.equals(dY.shape(), outputShape)) {
            throw new IllegalArgumentException(layer + ".backward: dY must have the shape of the output of the "
                    + "last forward pass, " + Arrays.toString(outputShape) + ", but got "
                    + (dY == null ? "null" : Arrays.toString(dY.shape())) + ". Pass the gradient of the loss with "
                    + "respect to that output, one value per output value (e.g. loss.backward() after "
                    + "loss.forward(output, labels)), not a transposed or reshaped one.");
        }
    }

    /** What a layer's forward returned must be an array (a layer written in a notebook may forget). */
    static void output(Layer layer, INDArray y) {
        if (y == null) {
            throw new IllegalStateException(layer + ".forward returned null: return the layer's output, a new array");
        }
    }

    /**
     * What a layer's backward returned: ∂loss/∂input of its latest forward, shaped like that input.
     * Only a layer told {@code inputGradientNotNeeded()} may return null; any other null would
     * silently stop back-propagation, and every layer before it would stop learning.
     */
    static void inputGradient(Layer layer, INDArray dX, long[] inputShape, boolean needed) {
        if (dX == null) {
            if (needed) {
                throw new IllegalStateException(layer + ".backward returned null, so the layers before it would "
                        + "get no gradient and stop learning. Return dX, the gradient of the loss with respect to "
                        + "the input of its forward pass, of shape " + Arrays.toString(inputShape) + ".");
            }
            return;
        }
        if (!Arrays.equals(dX.shape(), inputShape)) {
            throw new IllegalStateException(layer + ".backward returned a gradient of shape "
                    + Arrays.toString(dX.shape()) + " for a forward input of shape " + Arrays.toString(inputShape)
                    + ": return dX with one value per input value, shaped like the input.");
        }
    }

    static void requireRank(String layer, long[] shape, int rank, String expected, String fix) {
        if (shape.length != rank) {
            throw new IllegalArgumentException(layer + " expects input of rank " + rank + " " + expected
                    + " but got rank " + shape.length + " " + Arrays.toString(shape) + ": " + fix);
        }
    }

    static void requireSize(String layer, long[] shape, int axis, long expected, String fix) {
        if (shape[axis] != expected) {
            throw new IllegalArgumentException(layer + " expects " + expected + " on axis " + axis + " but got shape "
                    + Arrays.toString(shape) + ": " + fix);
        }
    }

    static void requireForward(String layer, Object cached) {
        if (cached == null) {
            throw new IllegalStateException(layer + ".backward called before forward");
        }
    }

    static void requirePoolingArguments(String layer, int kernelSize, int stride) {
        if (kernelSize < 1 || stride < 1) {
            throw new IllegalArgumentException(
                    layer + ": kernel size and stride must be >= 1, got " + kernelSize + " and " + stride);
        }
    }

    /** How to turn an input of the wrong rank into a batch of images (N, C, H, W). */
    private static String imageFix(long[] shape, int channels) {
        if (shape.length == 3) {
            return "a batch of single-channel images needs its channel axis, e.g. x.reshape(" + shape[0] + ", 1, "
                    + shape[1] + ", " + shape[2] + ")"
                    + (channels > 1 ? " (this layer takes " + channels + " channels)" : "");
        }
        if (shape.length == 2) {
            return "flat rows of pixels must be reshaped into images, e.g. x.reshape(" + shape[0] + ", 1, H, W) "
                    + "with H·W = " + shape[1];
        }
        return "reshape the input to (N, C, H, W)";
    }

    /** (N, C, H, W) with C = channels (any C when channels &lt; 0) and H, W at least the kernel. */
    static void requireImage(String layer, long[] shape, int channels, int kernel) {
        requireRank(layer, shape, 4, "(N, C, H, W)", imageFix(shape, channels));
        if (channels > 0) {
            requireSize(layer, shape, 1, channels, "the channel count must equal the out_channels of the layer before");
        }
        if (shape[2] < kernel || shape[3] < kernel) {
            throw new IllegalArgumentException(layer + ": the input " + shape[2] + "×" + shape[3]
                    + " is smaller than the " + kernel + "×" + kernel + " kernel");
        }
    }
}
