package bnlab.nn.kernel;


/**
 * {@code bnlab.nn.Conv2d} (stride 1, no padding) as im2col and matrix products. The k×k patches
 * of all images become the columns of one matrix cols (C·k·k, N·P), P = OH·OW, image e's in
 * columns [e·P, (e+1)·P); then Y_e = W·cols_e + b per image, W viewed as (out, C·k·k).
 * Backward keeps cols: with dY regrouped channel-major as (out, N·P), dW = dY·colsᵀ is one long
 * product whose dot products run over all N·P positions (split across cores), db = Σ dY, and per
 * image dX_e = col2im(Wᵀ·dY_e). Images are split across cores.
 *
 * <p>Rows of cols are {@link #PAD} floats longer than N·P: rows a multiple of 4 KiB apart fall
 * into the same cache set, and reading down a column then evicts itself (three times slower).
 */
public final class ConvKernel implements FastLayer {

    private final int in;
    private final int out;
    private final int k;
    private final TrainedArray weight;
    private final TrainedArray bias;
    private boolean inputGradient = true;
    private float[] w;
    private float[] b;
    /** Extra floats per row of the column matrices, so their rows do not share cache sets. */
    static final int PAD = 16;

    private float[] cols;
    private float[] dYByChannel;
    private float[] dCols;
    private float[][] partialDw;
    private Tensor x;
    private Tensor y;
    private Tensor dX;

    public ConvKernel(int in, int out, int k, TrainedArray weight, TrainedArray bias) {
        this.in = in;
        this.out = out;
        this.k = k;
        this.weight = weight;
        this.bias = bias;
    }

    @Override
    public Tensor forward(Tensor input) {
        x = input;
        int oh = x.h - k + 1;
        int ow = x.w - k + 1;
        int p = oh * ow;
        int patch = in * k * k;
        w = SmallArrays.readFloats(weight.value(), w);
        b = SmallArrays.readFloats(bias.value(), b);
        y = Tensor.reuse(y, x.n, out, oh, ow, 4);
        int ld = x.n * p + PAD;
        cols = Tensor.buffer(cols, (long) patch * ld);
        Parallel.forEach(x.n, (long) patch * p, (part, from, to) -> {
            for (int e = from; e < to; e++) {
                im2col(x, e, cols, e * p, ld, oh, ow);
                int yAt = e * out * p;
                for (int o = 0; o < out; o++) {
                    java.util.Arrays.fill(y.data, yAt + o * p, yAt + (o + 1) * p, b[o]);
                }
                Gemm.nn(out, p, patch, w, 0, patch, 1, cols, e * p, ld, y.data, yAt, p, true);
            }
        });
        return y;
    }

    @Override
    public Tensor backward(Tensor dY) {
        if (x == null) {
            throw new IllegalStateException(this + ".backward called before forward");
        }
        int p = dY.plane();
        int n = dY.n;
        int patch = in * k * k;
        int width = n * p;
        int ld = width + PAD;
        dYByChannel = Tensor.buffer(dYByChannel, (long) out * ld);
        for (int e = 0; e < n; e++) {
            for (int o = 0; o < out; o++) {
                System.arraycopy(dY.data, (e * out + o) * p, dYByChannel, o * ld + e * p, p);
            }
        }
        int parts = Parallel.parts(width, (long) out * patch);
        if (partialDw == null || partialDw.length < parts) {
            partialDw = new float[parts][];
        }
        double[][] partialDb = new double[parts][out];
        Parallel.run(width, parts, (part, from, to) -> {
            float[] dw = partialDw[part] = Tensor.buffer(partialDw[part], (long) out * patch);
            Gemm.nt(out, patch, to - from, dYByChannel, from, ld, cols, from, ld, dw, 0, patch, false);
            for (int o = 0; o < out; o++) {
                partialDb[part][o] = Gemm.sum(dYByChannel, o * ld + from, to - from);
            }
        });
        if (inputGradient) {
            dX = Tensor.reuseLike(dX, x);
            int imageParts = Parallel.parts(n, (long) patch * p);
            dCols = Tensor.buffer(dCols, (long) imageParts * patch * p);
            Parallel.run(n, imageParts, (part, from, to) -> {
                int dcAt = part * patch * p;
                for (int e = from; e < to; e++) {
                    Gemm.nn(patch, p, out, w, 0, 1, patch, dY.data, e * out * p, p, dCols, dcAt, p, false);
                    col2im(dCols, dcAt, dX, e, dY.h, dY.w);
                }
            });
        }
        float[] dw = partialDw[0];
        for (int q = 1; q < parts; q++) {
            for (int i = 0; i < dw.length; i++) {
                dw[i] += partialDw[q][i];
            }
        }
        float[] db = new float[out];
        for (int o = 0; o < out; o++) {
            double s = 0;
            for (int q = 0; q < parts; q++) {
                s += partialDb[q][o];
            }
            db[o] = (float) s;
        }
        SmallArrays.writeFloats(dw, weight.grad());
        SmallArrays.writeFloats(db, bias.grad());
        return inputGradient ? dX : null;
    }

    /**
     * Image e's columns of the column matrix (rows {@code ld} apart, image e's part starting at
     * column {@code at}): row (c, ki, kj) holds x[e, c, i + ki, j + kj] for every (i, j).
     */
    private void im2col(Tensor x, int e, float[] into, int at, int ld, int oh, int ow) {
        int row = 0;
        for (int c = 0; c < in; c++) {
            int plane = (e * in + c) * x.h * x.w;
            for (int ki = 0; ki < k; ki++) {
                for (int kj = 0; kj < k; kj++, row++) {
                    int to = row * ld + at;
                    for (int i = 0; i < oh; i++) {
                        VectorMath.copy(x.data, plane + (i + ki) * x.w + kj, into, to + i * ow, ow);
                    }
                }
            }
        }
    }

    /** dX[e] = the sum of every column's value back at the input element it came from. */
    private void col2im(float[] from, int at, Tensor dX, int e, int oh, int ow) {
        int size = in * dX.h * dX.w;
        java.util.Arrays.fill(dX.data, e * size, (e + 1) * size, 0f);
        int row = at;
        for (int c = 0; c < in; c++) {
            int plane = (e * in + c) * dX.h * dX.w;
            for (int ki = 0; ki < k; ki++) {
                for (int kj = 0; kj < k; kj++) {
                    for (int i = 0; i < oh; i++) {
                        VectorMath.add(from, row, dX.data, plane + (i + ki) * dX.w + kj, ow);
                        row += ow;
                    }
                }
            }
        }
    }

    @Override
    public void inputGradientNotNeeded() {
        inputGradient = false;
    }

    @Override
    public String toString() {
        return "ConvKernel(" + in + ", " + out + ", " + k + ")";
    }
}
