package bnlab.nn;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A 2-D convolution, {@code nn.Conv2d(in_channels, out_channels, kernel_size)} with stride 1
 * and no padding (LeNet's), as one matrix product: the k×k input patches are laid out as the
 * columns of a (C·k·k, N·OH·OW) matrix ("im2col", written by C·k·k strided-view copies), and the
 * weights (out, C, k, k) viewed as (out, C·k·k) multiply it. The product comes out
 * channel-major, (out, N·OH·OW), and one strided copy makes it (N, out, OH, OW).
 *
 * <p>Backward: dW = dOut·colsᵀ, db = Σ dOut, dCols = Wᵀ·dOut, scattered back onto the input
 * ("col2im"). The first layer of a network skips dCols and col2im: nobody needs the gradient
 * of the images.
 */
public class Conv2d implements Module {

    private final int in;
    private final int out;
    private final int k;
    private final Parameter weight;
    private final Parameter bias;
    private boolean inputGradient = true;
    private long[] inputShape;
    private INDArray cols;
    private INDArray yChannelMajor;
    private INDArray y;
    private INDArray dOutChannelMajor;
    private INDArray dCols;
    private INDArray dX;

    public Conv2d(int inChannels, int outChannels, int kernelSize) {
        this(inChannels, outChannels, kernelSize, Init.shared());
    }

    public Conv2d(int inChannels, int outChannels, int kernelSize, Init init) {
        if (inChannels < 1 || outChannels < 1 || kernelSize < 1) {
            throw new IllegalArgumentException("Conv2d(" + inChannels + ", " + outChannels + ", "
                    + kernelSize + "): channels and kernel size must be >= 1");
        }
        this.in = inChannels;
        this.out = outChannels;
        this.k = kernelSize;
        int fanIn = inChannels * kernelSize * kernelSize;
        this.weight = Parameter.of("weight", init.uniform(fanIn, outChannels, inChannels, kernelSize, kernelSize));
        this.bias = Parameter.of("bias", init.uniform(fanIn, outChannels, 1));
    }

    @Override
    public INDArray forward(INDArray x) {
        Windows.requireImage(toString(), x, in, k);
        var type = weight.value().dataType();
        x = x.castTo(type);
        inputShape = x.shape();
        long n = x.size(0);
        long oh = Windows.outputSize(x.size(2), k, 1);
        long ow = Windows.outputSize(x.size(3), k, 1);
        long positions = n * oh * ow;
        cols = Buffers.reuse(cols, type, (long) in * k * k, positions);
        if (FloatArrays.fast(x)) {
            Im2col.im2col(x, k, cols);
        } else {
            int row = 0;
            for (int c = 0; c < in; c++) {
                for (int ki = 0; ki < k; ki++) {
                    for (int kj = 0; kj < k; kj++) {
                        cols.getRow(row++).reshape('c', n, oh, ow).assign(Windows.view(x, c, ki, kj, 1, oh, ow));
                    }
                }
            }
        }
        yChannelMajor = Buffers.reuse(yChannelMajor, type, out, positions);
        Nd4j.gemm(weight.value().reshape(out, (long) in * k * k), cols, yChannelMajor, false, false, 1.0, 0.0);
        yChannelMajor.addiColumnVector(bias.value());
        y = Buffers.reuse(y, type, n, out, oh, ow);
        y.assign(yChannelMajor.reshape('c', out, n, oh, ow).permute(1, 0, 2, 3));
        return y;
    }

    @Override
    public INDArray backward(INDArray dY) {
        Buffers.requireForward(toString(), y);
        var type = y.dataType();
        long n = y.size(0);
        long oh = y.size(2);
        long ow = y.size(3);
        dOutChannelMajor = Buffers.reuse(dOutChannelMajor, type, out, n * oh * ow);
        dOutChannelMajor.reshape('c', out, n, oh, ow).assign(dY.permute(1, 0, 2, 3));
        INDArray dW = weight.grad().reshape(out, (long) in * k * k);
        Nd4j.gemm(dOutChannelMajor, cols, dW, false, true, 1.0, 0.0);
        dOutChannelMajor.sum(bias.grad().reshape(out), 1);
        if (!inputGradient) {
            return null;
        }
        dCols = Buffers.reuse(dCols, type, (long) in * k * k, n * oh * ow);
        Nd4j.gemm(weight.value().reshape(out, (long) in * k * k), dOutChannelMajor, dCols, true, false, 1.0, 0.0);
        dX = Buffers.reuse(dX, type, inputShape);
        if (FloatArrays.fast(dX)) {
            Im2col.col2im(dCols, k, dX);
            return dX;
        }
        dX.assign(0);
        int row = 0;
        for (int c = 0; c < in; c++) {
            for (int ki = 0; ki < k; ki++) {
                for (int kj = 0; kj < k; kj++) {
                    Windows.view(dX, c, ki, kj, 1, oh, ow).addi(dCols.getRow(row++).reshape('c', n, oh, ow));
                }
            }
        }
        return dX;
    }

    /** Called by {@link Sequential} on its first layer: backward then returns null. */
    @Override
    public void inputGradientNotNeeded() {
        inputGradient = false;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(weight, bias);
    }

    public INDArray weight() {
        return weight.value();
    }

    @Override
    public String toString() {
        return "Conv2d(" + in + ", " + out + ", kernel_size=" + k + ")";
    }
}
