package bnlab.nn.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The strided views that convolution and pooling are built from: for a kernel offset (ki, kj),
 * the (N, C, OH, OW) view of x whose element (n, c, i, j) is x[n, c, ki + s·i, kj + s·j]. A
 * k×k window operation is then k² whole-tensor ops on views instead of a loop over windows.
 * The view is made from x's buffer with explicit strides (ND4J's strided intervals mis-handle
 * windows that do not tile the input exactly).
 */
public final class Windows {

    private Windows() {}

    public static long outputSize(long size, int kernel, int stride) {
        return (size - kernel) / stride + 1;
    }

    /**
     * x[:, c, ki::s, kj::s] limited to oh × ow positions, shape (N, OH, OW); x[:, :, ki::s, kj::s],
     * shape (N, C, OH, OW), when c &lt; 0. x must be
     * C-ordered and contiguous. Writing into the view writes into x.
     */
    public static INDArray view(INDArray x, int channel, int ki, int kj, int stride, long oh, long ow) {
        if (x.ordering() != 'c' || !Tensor.contiguous(x)) {
            throw new IllegalArgumentException("internal: windows need a contiguous C-ordered array");
        }
        long h = x.size(2);
        long w = x.size(3);
        long offset = x.offset() + ki * w + kj + (channel < 0 ? 0 : channel * h * w);
        long[] shape = channel < 0 ? new long[] {x.size(0), x.size(1), oh, ow} : new long[] {x.size(0), oh, ow};
        long[] strides = channel < 0
                ? new long[] {x.size(1) * h * w, h * w, stride * w, stride}
                : new long[] {x.size(1) * h * w, stride * w, stride};
        return Nd4j.create(x.data(), shape, strides, offset, 'c', x.dataType());
    }
}
