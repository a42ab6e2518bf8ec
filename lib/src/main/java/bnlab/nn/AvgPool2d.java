package bnlab.nn;

import bnlab.nn.kernel.FastLayer;
import bnlab.nn.kernel.PoolKernel;
import bnlab.nn.kernel.Windows;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Average pooling, {@code nn.AvgPool2d(kernel_size, stride)}: the mean of each k×k window, as
 * k² whole-tensor ops on strided views (view (ki, kj) holds the window element at offset
 * (ki, kj) of every window). Backward spreads each output gradient evenly over its window.
 */
public class AvgPool2d extends TwinnedLayer {

    private final int kernel;
    private final int stride;
    private long[] inputShape;
    private long[] outputShape;

    public AvgPool2d(int kernelSize, int stride) {
        LayerChecks.requirePoolingArguments("AvgPool2d", kernelSize, stride);
        this.kernel = kernelSize;
        this.stride = stride;
    }

    @Override
    public INDArray forward(INDArray x) {
        checkInput(LayerChecks.shape(toString(), x));
        x = Conv2d.contiguous(x);
        inputShape = x.shape();
        long oh = Windows.outputSize(x.size(2), kernel, stride);
        long ow = Windows.outputSize(x.size(3), kernel, stride);
        INDArray y = Nd4j.zeros(x.dataType(), x.size(0), x.size(1), oh, ow);
        outputShape = y.shape();
        for (int ki = 0; ki < kernel; ki++) {
            for (int kj = 0; kj < kernel; kj++) {
                y.addi(Windows.view(x, -1, ki, kj, stride, oh, ow));
            }
        }
        return y.muli(1.0 / (kernel * kernel));
    }

    @Override
    public INDArray backward(INDArray dY) {
        LayerChecks.requireForward(toString(), inputShape);
        LayerChecks.gradient(toString(), dY, outputShape);
        INDArray share = dY.mul(1.0 / (kernel * kernel));
        INDArray dX = Nd4j.zeros(dY.dataType(), inputShape);
        for (int ki = 0; ki < kernel; ki++) {
            for (int kj = 0; kj < kernel; kj++) {
                Windows.view(dX, -1, ki, kj, stride, dY.size(2), dY.size(3)).addi(share);
            }
        }
        return dX;
    }

    @Override
    FastLayer fastLayer() {
        return PoolKernel.average(kernel, stride);
    }

    @Override
    void checkInput(long[] shape) {
        LayerChecks.requireImage(toString(), shape, -1, kernel);
    }

    @Override
    public String toString() {
        return "AvgPool2d(kernel_size=" + kernel + ", stride=" + stride + ")";
    }
}
