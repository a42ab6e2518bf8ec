package bnlab.nn;

import bnlab.nn.kernel.ConvKernel;
import bnlab.nn.kernel.FastLayer;
import bnlab.nn.kernel.Tensor;
import bnlab.nn.kernel.Windows;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A 2-D convolution, {@code nn.Conv2d(in_channels, out_channels, kernel_size)} with stride 1
 * and no padding (LeNet's), as one matrix product: the k×k input patches are laid out as the
 * columns of a (C·k·k, N·OH·OW) matrix ("im2col"), and the weights (out, C, k, k) viewed as
 * (out, C·k·k) multiply it. Row (c, ki, kj) of that matrix is the strided view
 * x[:, c, ki:ki+OH, kj:kj+OW], so im2col is C·k·k copies of views.
 *
 * <p>Backward keeps the column matrix: dW = dOut·colsᵀ, db = Σ dOut, and dCols = Wᵀ·dOut
 * scattered back onto the input ("col2im"). The first layer of a network skips dCols and
 * col2im: nobody needs the images' gradient.
 */
public class Conv2d extends TwinnedLayer {

    private final int in;
    private final int out;
    private final int k;
    private final Parameter weight;
    private final Parameter bias;
    private boolean inputGradient = true;
    private long[] inputShape;
    private long[] outputShape;
    private INDArray cols;

    public Conv2d(int inChannels, int outChannels, int kernelSize) {
        this(inChannels, outChannels, kernelSize, Init.shared());
    }

    public Conv2d(int inChannels, int outChannels, int kernelSize, Init init) {
        if (inChannels < 1 || outChannels < 1 || kernelSize < 1) {
            throw new IllegalArgumentException("Conv2d(" + inChannels + ", " + outChannels + ", " + kernelSize
                    + "): channels and kernel size must be >= 1");
        }
        this.in = inChannels;
        this.out = outChannels;
        this.k = kernelSize;
        int fanIn = inChannels * kernelSize * kernelSize;
        this.weight = Parameter.of(
                "weight",
                init.weights(
                        fanIn,
                        (long) outChannels * kernelSize * kernelSize,
                        outChannels,
                        inChannels,
                        kernelSize,
                        kernelSize));
        this.bias = Parameter.of("bias", init.uniform(fanIn, outChannels, 1));
    }

    @Override
    public INDArray forward(INDArray x) {
        checkInput(LayerChecks.shape(toString(), x));
        DataType type = weight.value().dataType();
        x = contiguous(x.castTo(type));
        inputShape = x.shape();
        long n = x.size(0);
        long oh = Windows.outputSize(x.size(2), k, 1);
        long ow = Windows.outputSize(x.size(3), k, 1);
        cols = Nd4j.createUninitialized(type, (long) in * k * k, n * oh * ow);
        int row = 0;
        for (int c = 0; c < in; c++) {
            for (int ki = 0; ki < k; ki++) {
                for (int kj = 0; kj < k; kj++) {
                    cols.getRow(row++).reshape('c', n, oh, ow).assign(Windows.view(x, c, ki, kj, 1, oh, ow));
                }
            }
        }
        INDArray product = Nd4j.createUninitialized(type, out, n * oh * ow);
        Nd4j.gemm(weight.value().reshape(out, (long) in * k * k), cols, product, false, false, 1.0, 0.0);
        product.addiColumnVector(bias.value());
        outputShape = new long[] {n, out, oh, ow};
        return product.reshape('c', out, n, oh, ow).permute(1, 0, 2, 3).dup('c');
    }

    @Override
    public INDArray backward(INDArray dY) {
        LayerChecks.requireForward(toString(), inputShape);
        LayerChecks.gradient(toString(), dY, outputShape);
        long n = inputShape[0];
        long oh = dY.size(2);
        long ow = dY.size(3);
        long patch = (long) in * k * k;
        INDArray d = dY.castTo(cols.dataType()).permute(1, 0, 2, 3).dup('c').reshape(out, n * oh * ow);
        Nd4j.gemm(d, cols, weight.grad().reshape(out, patch), false, true, 1.0, 0.0);
        bias.grad().assign(d.sum(1).reshape(out, 1));
        if (!inputGradient) {
            return null;
        }
        INDArray dCols = Nd4j.createUninitialized(cols.dataType(), patch, n * oh * ow);
        Nd4j.gemm(weight.value().reshape(out, patch), d, dCols, true, false, 1.0, 0.0);
        INDArray dX = Nd4j.zeros(cols.dataType(), inputShape);
        int row = 0;
        for (int c = 0; c < in; c++) {
            for (int ki = 0; ki < k; ki++) {
                for (int kj = 0; kj < k; kj++) {
                    Windows.view(dX, c, ki, kj, 1, oh, ow)
                            .addi(dCols.getRow(row++).reshape('c', n, oh, ow));
                }
            }
        }
        return dX;
    }

    static INDArray contiguous(INDArray x) {
        return x.ordering() == 'c' && Tensor.contiguous(x) ? x : x.dup('c');
    }

    /** Called by {@link Sequential} on its first layer: backward then returns null. */
    @Override
    public void inputGradientNotNeeded() {
        inputGradient = false;
    }

    @Override
    FastLayer fastLayer() {
        return new ConvKernel(in, out, k, weight, bias);
    }

    @Override
    void checkInput(long[] shape) {
        LayerChecks.requireImage(toString(), shape, in, k);
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
