package bnlab.nn;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A 2-D convolution, {@code nn.Conv2d(in_channels, out_channels, kernel_size)} with stride 1
 * and no padding (LeNet's), as matrix products: the k×k input patches are laid out as the
 * columns of a (C·k·k, B·OH·OW) matrix ("im2col"), and the weights (out, C, k, k) viewed as
 * (out, C·k·k) multiply it. The product comes out channel-major, (out, B·OH·OW), and one
 * strided copy puts it into the (N, out, OH, OW) output.
 *
 * <p>The batch goes through in chunks of B examples sized so that a chunk's column matrix
 * (about 2 MB) stays in cache between being written and being multiplied: twice as fast as one
 * product over the whole batch on our machines. The column matrices are kept for backward:
 * dW = Σ dOut·colsᵀ, db = Σ dOut, dCols = Wᵀ·dOut scattered back onto the input ("col2im").
 * The first layer of a network skips dCols and col2im: nobody needs the images' gradient.
 */
public class Conv2d implements Module {

    /** Target size of one chunk's column matrix, in elements (2 MB of floats); tests lower it. */
    static long chunkElements = 1 << 19;

    private final int in;
    private final int out;
    private final int k;
    private final Parameter weight;
    private final Parameter bias;
    private boolean inputGradient = true;
    private long[] inputShape;
    private int chunk;
    private final List<INDArray> cols = new ArrayList<>();
    private final Scratch scratch = new Scratch(2);
    private INDArray channelMajor;
    private INDArray dCols;
    private INDArray y;
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
        DataType type = weight.value().dataType();
        x = x.castTo(type);
        if (!Rows.contiguous(x) || x.ordering() != 'c') {
            x = x.dup('c');
        }
        inputShape = x.shape();
        int n = (int) x.size(0);
        long oh = Windows.outputSize(x.size(2), k, 1);
        long ow = Windows.outputSize(x.size(3), k, 1);
        long patch = (long) in * k * k;
        chunk = (int) Math.max(1, Math.min(n, Long.highestOneBit(Math.max(1, chunkElements / (patch * oh * ow)))));
        y = Buffers.reuse(y, type, n, out, oh, ow);
        channelMajor = Buffers.reuse(channelMajor, type, out, chunk * oh * ow);
        INDArray w = weight.value().reshape(out, patch);
        for (int c = 0, n0 = 0; n0 < n; c++, n0 += chunk) {
            int b = Math.min(chunk, n - n0);
            INDArray xChunk = x.get(NDArrayIndex.interval(n0, n0 + b));
            if (cols.size() <= c) {
                cols.add(null);
            }
            cols.set(c, Buffers.reuse(cols.get(c), type, patch, b * oh * ow));
            im2col(xChunk, cols.get(c), oh, ow);
            INDArray product = columns(channelMajor, b * oh * ow);
            Nd4j.gemm(w, cols.get(c), product, false, false, 1.0, 0.0);
            product.addiColumnVector(bias.value());
            y.get(NDArrayIndex.interval(n0, n0 + b)).assign(product.reshape('c', out, b, oh, ow).permute(1, 0, 2, 3));
        }
        return y;
    }

    @Override
    public INDArray backward(INDArray dY) {
        Buffers.requireForward(toString(), inputShape);
        DataType type = y.dataType();
        int n = (int) inputShape[0];
        long oh = y.size(2);
        long ow = y.size(3);
        long patch = (long) in * k * k;
        INDArray w = weight.value().reshape(out, patch);
        INDArray dW = weight.grad().reshape(out, patch);
        INDArray db = bias.grad().reshape(out);
        if (inputGradient) {
            dX = Buffers.reuse(dX, type, inputShape);
            dCols = Buffers.reuse(dCols, type, patch, chunk * oh * ow);
        }
        double[] biasSums = new double[out];
        for (int c = 0, n0 = 0; n0 < n; c++, n0 += chunk) {
            int b = Math.min(chunk, n - n0);
            INDArray d = columns(channelMajor, b * oh * ow);
            d.reshape('c', out, b, oh, ow).assign(dY.get(NDArrayIndex.interval(n0, n0 + b)).permute(1, 0, 2, 3));
            Nd4j.gemm(d, cols.get(c), dW, false, true, 1.0, c == 0 ? 0.0 : 1.0);
            addRowSums(d, biasSums);
            if (inputGradient) {
                INDArray dc = columns(dCols, b * oh * ow);
                Nd4j.gemm(w, d, dc, true, false, 1.0, 0.0);
                col2im(dc, dX.get(NDArrayIndex.interval(n0, n0 + b)), oh, ow);
            }
        }
        SmallArrays.write(db, biasSums);
        return inputGradient ? dX : null;
    }

    /** The first {@code width} columns of a (rows, capacity) buffer, as a contiguous matrix. */
    private static INDArray columns(INDArray buffer, long width) {
        return width == buffer.size(1) ? buffer
                : Nd4j.create(buffer.data(), new long[] {buffer.size(0), width}, new long[] {width, 1}, 0, 'c',
                        buffer.dataType());
    }

    private void im2col(INDArray x, INDArray into, long oh, long ow) {
        if (FloatArrays.fast(x) && FloatArrays.fast(into)) {
            Im2col.im2col(x, k, into, scratch);
            return;
        }
        int row = 0;
        for (int c = 0; c < in; c++) {
            for (int ki = 0; ki < k; ki++) {
                for (int kj = 0; kj < k; kj++) {
                    into.getRow(row++).reshape('c', x.size(0), oh, ow).assign(Windows.view(x, c, ki, kj, 1, oh, ow));
                }
            }
        }
    }

    private void col2im(INDArray from, INDArray dX, long oh, long ow) {
        if (FloatArrays.fast(from) && FloatArrays.fast(dX)) {
            Im2col.col2im(from, k, dX, scratch);
            return;
        }
        dX.assign(0);
        int row = 0;
        for (int c = 0; c < in; c++) {
            for (int ki = 0; ki < k; ki++) {
                for (int kj = 0; kj < k; kj++) {
                    Windows.view(dX, c, ki, kj, 1, oh, ow).addi(from.getRow(row++).reshape('c', dX.size(0), oh, ow));
                }
            }
        }
    }

    /** sums[r] += Σ of row r, in double. */
    private static void addRowSums(INDArray m, double[] sums) {
        double[] v = SmallArrays.read(m.sum(1));
        for (int r = 0; r < sums.length; r++) {
            sums[r] += v[r];
        }
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
