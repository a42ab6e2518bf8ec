package bnlab.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Average pooling, {@code nn.AvgPool2d(kernel_size, stride)}: the mean of each k×k window,
 * as k² whole-tensor ops on strided views, or plain loops for float tensors (faster; the tests
 * check the two agree).
 */
public class AvgPool2d implements Module {

    private final int kernel;
    private final int stride;
    private long[] inputShape;
    private INDArray y;
    private INDArray dX;
    private INDArray scaled;
    private final Scratch scratch = new Scratch(2);

    public AvgPool2d(int kernelSize, int stride) {
        Windows.requirePoolingArguments("AvgPool2d", kernelSize, stride);
        this.kernel = kernelSize;
        this.stride = stride;
    }

    @Override
    public INDArray forward(INDArray x) {
        Windows.requireImage(toString(), x, -1, kernel);
        inputShape = x.shape();
        long oh = Windows.outputSize(x.size(2), kernel, stride);
        long ow = Windows.outputSize(x.size(3), kernel, stride);
        y = Buffers.reuse(y, x.dataType(), x.size(0), x.size(1), oh, ow);
        if (FloatArrays.fast(x)) {
            PoolLoops.averageForward(x, kernel, stride, y, scratch);
            return y;
        }
        for (int ki = 0; ki < kernel; ki++) {
            for (int kj = 0; kj < kernel; kj++) {
                INDArray window = Windows.view(x, -1, ki, kj, stride, oh, ow);
                if (ki == 0 && kj == 0) {
                    y.assign(window);
                } else {
                    y.addi(window);
                }
            }
        }
        return y.muli(1.0 / (kernel * kernel));
    }

    @Override
    public INDArray backward(INDArray dY) {
        Buffers.requireForward(toString(), inputShape);
        dX = Buffers.reuse(dX, dY.dataType(), inputShape);
        if (FloatArrays.fast(dY)) {
            PoolLoops.averageBackward(dY, kernel, stride, dX, scratch);
            return dX;
        }
        scaled = Buffers.reuse(scaled, dY.dataType(), dY.shape());
        scaled.assign(dY).muli(1.0 / (kernel * kernel));
        long oh = dY.size(2);
        long ow = dY.size(3);
        // Non-overlapping windows that tile the input set every element once; otherwise sum.
        boolean tiles = kernel == stride && oh * stride == inputShape[2] && ow * stride == inputShape[3];
        if (!tiles) {
            dX.assign(0);
        }
        for (int ki = 0; ki < kernel; ki++) {
            for (int kj = 0; kj < kernel; kj++) {
                INDArray window = Windows.view(dX, -1, ki, kj, stride, oh, ow);
                if (tiles) {
                    window.assign(scaled);
                } else {
                    window.addi(scaled);
                }
            }
        }
        return dX;
    }

    @Override
    public String toString() {
        return "AvgPool2d(kernel_size=" + kernel + ", stride=" + stride + ")";
    }
}
