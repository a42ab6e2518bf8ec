package bnlab.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The strided views that convolution and pooling are built from: for a kernel offset (ki, kj),
 * the (N, C, OH, OW) view of x whose element (n, c, i, j) is x[n, c, ki + s·i, kj + s·j]. A
 * k×k window operation is then k² whole-tensor ops on views instead of a loop over windows.
 */
final class Windows {

    private Windows() {
    }

    static long outputSize(long size, int kernel, int stride) {
        return (size - kernel) / stride + 1;
    }

    /** x[:, c, ki::s, kj::s] limited to oh × ow positions; all channels when c < 0. */
    static INDArray view(INDArray x, int channel, int ki, int kj, int stride, long oh, long ow) {
        return x.get(NDArrayIndex.all(),
                channel < 0 ? NDArrayIndex.all() : NDArrayIndex.point(channel),
                NDArrayIndex.interval(ki, stride, ki + stride * (oh - 1) + 1),
                NDArrayIndex.interval(kj, stride, kj + stride * (ow - 1) + 1));
    }

    static void requirePoolingArguments(String layer, int kernelSize, int stride) {
        if (kernelSize < 1 || stride < 1) {
            throw new IllegalArgumentException(layer + ": kernel size and stride must be >= 1, got "
                    + kernelSize + " and " + stride);
        }
    }

    static void requireImage(String layer, INDArray x, int channels, int kernel) {
        Buffers.requireRank(layer, x, 4, "(N, C, H, W)");
        if (channels > 0) {
            Buffers.requireSize(layer, x, 1, channels, "the channel count must equal the out_channels of the layer before");
        }
        if (x.size(2) < kernel || x.size(3) < kernel) {
            throw new IllegalArgumentException(layer + ": the input " + x.size(2) + "×" + x.size(3)
                    + " is smaller than the " + kernel + "×" + kernel + " kernel");
        }
    }
}
