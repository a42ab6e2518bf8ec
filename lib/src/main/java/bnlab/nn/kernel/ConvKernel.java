package bnlab.nn.kernel;

import java.util.Arrays;

/**
 * {@code bnlab.nn.Conv2d} (stride 1, no padding) as im2col and matrix products, one image at a
 * time so that everything an image needs stays in the core's cache. Image e's k×k patches
 * become the columns of a matrix cols (C·k·k, P), P = OH·OW; then
 * <ul>
 *   <li>forward: Y_e = W·cols + b, W viewed as (out, C·k·k); for output rows of 8 (LeNet's second
 *       convolution) the same sums read from the image without cols ({@link Simd#convForward});</li>
 *   <li>backward: dW = Σ_e dY_e·colsᵀ (cols made again from x: cheaper than keeping every
 *       image's, which would not stay in cache; the sums over images kept vector-wide until the
 *       end, {@link Simd#productSums}; {@link Simd#addConvWeightSums} may read cols' rows from
 *       fewer copies of x), db = Σ dY_e, and dX_e = col2im(Wᵀ·dY_e).</li>
 * </ul>
 * col2im adds each column back where it came from, k² overlapping adds per input element, which
 * stall the processor (a load waits for the store before it to the same place). Instead, Wᵀ·dY
 * is computed on dY padded from OW to W columns with zeros, into rows with zeros around them:
 * then the k² values that land on an input element sit at fixed offsets from it in the k² rows
 * of its channel, and dX is a sum of k² shifted rows, vector by vector (in the same order as
 * col2im adds them, so the sums are the same).
 * Images are split across cores; each part sums its own dW and db, and the parts are added in
 * a fixed order after, so results do not depend on thread timing.
 */
public final class ConvKernel implements FastLayer {

    private static final Simd SIMD = Simd.get();

    private final int in;
    private final int out;
    private final int k;
    private final TrainedArray weight;
    private final TrainedArray bias;
    private boolean inputGradient = true;
    private float[] w;
    private float[] b;

    /** Per part (thread): the image's column matrix, its gradient, dYᵀ, and the part's dW, db sums. */
    private float[][] cols = new float[0][];

    private float[][] dCols = new float[0][];
    private Simd.ProductSums[] sums = new Simd.ProductSums[0];
    private float[][] dYPadded = new float[0][];
    private float[][] partDw = new float[0][];
    /** Per part, for {@link Simd#addWeightSums}: the image's dY transposed and the sums (patch, out). */
    private float[][] partDyT = new float[0][];

    private float[][] partAcc = new float[0][];
    /**
     * Whether the weight gradient is summed straight from the images ({@link Simd#addWeightSums})
     * where the implementation says it is faster (tests turn it off to compare: same bits).
     */
    static boolean directWeightSums = true;

    /**
     * Whether the forward pass reads the images straight ({@link Simd#convForward}, no im2col)
     * where the implementation says it is faster (tests turn it off to compare: same bits).
     */
    static boolean directForward = true;

    private double[][] partDb = new double[0][];
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
        int parts = Parallel.parts(x.n, (long) patch * p);
        ensureParts(parts);
        if (directForward && SIMD.fastConvForward(oh, ow)) {
            int plane = x.h * x.w;
            Parallel.run(
                    x.n,
                    parts,
                    (part, from, to) -> SIMD.convForwardImages(
                            x.data, from * in * plane, to - from, in, x.h, x.w, k, out, w, b, y.data, from * out * p));
            return y;
        }
        Parallel.run(x.n, parts, (part, from, to) -> {
            float[] c = cols[part] = Tensor.buffer(cols[part], (long) patch * p);
            for (int e = from; e < to; e++) {
                im2col(x, e, c, oh, ow);
                int yAt = e * out * p;
                for (int o = 0; o < out; o++) {
                    Arrays.fill(y.data, yAt + o * p, yAt + (o + 1) * p, b[o]);
                }
                SIMD.nn(out, p, patch, w, 0, patch, 1, c, 0, p, y.data, yAt, p, true);
            }
        });
        return y;
    }

    @Override
    public Tensor backward(Tensor dY) {
        if (x == null) {
            throw new IllegalStateException(this + ".backward called before forward");
        }
        int oh = dY.h;
        int ow = dY.w;
        int p = oh * ow;
        int n = dY.n;
        int patch = in * k * k;
        // dX's padded layout: dY as (out, OH·W), columns j >= OW zero; rows of Wᵀ·dY start `lead`
        // floats into rows of `stride` floats whose other floats are zero.
        int width = x.w;
        int padded = oh * width;
        int lead = (k - 1) * width + (k - 1);
        int plane = x.h * width;
        int stride = lead + plane + SIMD.lanes();
        int[][] shifts = inputGradient ? shifts(width, lead, stride) : null;
        // Rows of dY one vector long (LeNet's 8 on 256-bit vectors): Wᵀ·dY straight into the
        // padded layout, row by row, without the padded copy of dY or products of its zeros.
        boolean runs = SIMD.fastRuns(ow);
        // The weight gradient straight from x where that is faster: no im2col in backward.
        boolean direct = directWeightSums && SIMD.fastWeightSums(out);
        int[] rowsAt = direct ? windowRows(width, plane) : null;
        int[] cellsAt = direct ? windowCells(oh, ow, width) : null;
        if (inputGradient) {
            dX = Tensor.reuseLike(dX, x);
        }
        int parts = Parallel.parts(n, (long) patch * p * (inputGradient ? 3 : 2));
        ensureParts(parts);
        Parallel.run(n, parts, (part, from, to) -> {
            float[] c = cols[part] = Tensor.buffer(cols[part], (long) patch * p);
            float[] dw = partDw[part] = Tensor.buffer(partDw[part], (long) out * patch);
            double[] db =
                    partDb[part] = partDb[part] == null || partDb[part].length < out ? new double[out] : partDb[part];
            Arrays.fill(dw, 0, out * patch, 0f);
            Arrays.fill(db, 0, out, 0.0);
            if (!direct && (sums[part] == null || !sums[part].fits(out, patch, p))) {
                sums[part] = SIMD.productSums(out, patch, p);
            }
            Simd.ProductSums dwSums = sums[part];
            float[] dyT = null;
            float[] acc = null;
            if (direct) {
                dyT = partDyT[part] = Tensor.buffer(partDyT[part], (long) p * out);
                acc = partAcc[part] = Tensor.buffer(partAcc[part], (long) patch * out);
                Arrays.fill(acc, 0, patch * out, 0f);
            }
            float[] dc = null;
            float[] dyp = null;
            if (inputGradient) {
                dc = dCols[part] = Tensor.buffer(dCols[part], (long) patch * stride);
                Arrays.fill(dc, 0, patch * stride, 0f);
                if (!runs) {
                    dyp = dYPadded[part] = Tensor.buffer(dYPadded[part], (long) out * padded);
                    Arrays.fill(dyp, 0, out * padded, 0f);
                }
            }
            for (int e = from; e < to; e++) {
                int at = e * out * p;
                if (direct) {
                    for (int o = 0; o < out; o++) {
                        for (int t = 0; t < p; t++) {
                            dyT[t * out + o] = dY.data[at + o * p + t];
                        }
                    }
                    SIMD.addWeightSums(x.data, e * in * plane, rowsAt, cellsAt, dyT, out, acc);
                } else {
                    SIMD.addConvWeightSums(dwSums, x.data, e * in * plane, in, x.h, width, k, dY.data, at, c);
                }
                for (int o = 0; o < out; o++) {
                    db[o] += SIMD.sum(dY.data, at + o * p, p, 1, p);
                }
                if (dc != null && runs) {
                    SIMD.nnRuns(patch, oh, ow, out, w, 0, 1, patch, dY.data, at, p, dc, lead, stride, width);
                } else if (dc != null) {
                    for (int o = 0; o < out; o++) {
                        for (int i = 0; i < oh; i++) {
                            System.arraycopy(dY.data, at + o * p + i * ow, dyp, o * padded + i * width, ow);
                        }
                    }
                    SIMD.nn(patch, padded, out, w, 0, 1, patch, dyp, 0, padded, dc, lead, stride, false);
                }
                if (dc != null) {
                    for (int ch = 0; ch < in; ch++) {
                        SIMD.sumShifted(dc, shifts[ch], dX.data, (e * in + ch) * plane, plane);
                    }
                }
            }
            if (direct) {
                for (int r = 0; r < patch; r++) {
                    for (int o = 0; o < out; o++) {
                        dw[o * patch + r] += acc[r * out + o];
                    }
                }
            } else {
                dwSums.addTo(dw, 0, patch);
            }
        });
        float[] dw = new float[out * patch];
        double[] db = new double[out];
        for (int q = 0; q < parts; q++) {
            for (int o = 0; o < out; o++) {
                db[o] += partDb[q][o];
            }
            float[] pd = partDw[q];
            for (int i = 0; i < out * patch; i++) {
                dw[i] += pd[i];
            }
        }
        float[] dbf = new float[out];
        for (int o = 0; o < out; o++) {
            dbf[o] = (float) db[o];
        }
        SmallArrays.writeFloats(dw, weight.grad());
        SmallArrays.writeFloats(dbf, bias.grad());
        return inputGradient ? dX : null;
    }

    private void ensureParts(int parts) {
        if (cols.length < parts) {
            cols = Arrays.copyOf(cols, parts);
            dCols = Arrays.copyOf(dCols, parts);
            sums = Arrays.copyOf(sums, parts);
            dYPadded = Arrays.copyOf(dYPadded, parts);
            partDw = Arrays.copyOf(partDw, parts);
            partDb = Arrays.copyOf(partDb, parts);
            partDyT = Arrays.copyOf(partDyT, parts);
            partAcc = Arrays.copyOf(partAcc, parts);
        }
    }

    /** Image e's column matrix (C·k·k, P): row (c, ki, kj) holds x[e, c, i + ki, j + kj] for every (i, j). */
    private void im2col(Tensor x, int e, float[] into, int oh, int ow) {
        int p = oh * ow;
        int row = 0;
        for (int c = 0; c < in; c++) {
            int plane = (e * in + c) * x.h * x.w;
            for (int ki = 0; ki < k; ki++) {
                for (int kj = 0; kj < k; kj++, row++) {
                    SIMD.copyRows(x.data, plane + ki * x.w + kj, x.w, oh, ow, into, row * p);
                }
            }
        }
    }

    /** Where patch element (c, ki, kj) sits in an image (channels of {@code plane} floats, rows of {@code width}) relative to its window. */
    private int[] windowRows(int width, int plane) {
        int[] rows = new int[in * k * k];
        for (int c = 0, r = 0; c < in; c++) {
            for (int ki = 0; ki < k; ki++) {
                for (int kj = 0; kj < k; kj++, r++) {
                    rows[r] = c * plane + ki * width + kj;
                }
            }
        }
        return rows;
    }

    /** Where output (i, j)'s window starts in a channel with rows of {@code width}. */
    private static int[] windowCells(int oh, int ow, int width) {
        int[] cells = new int[oh * ow];
        for (int i = 0; i < oh; i++) {
            for (int j = 0; j < ow; j++) {
                cells[i * ow + j] = i * width + j;
            }
        }
        return cells;
    }

    /**
     * For channel c, the offsets in the padded Wᵀ·dY of the k² rows (c, ki, kj), each moved back
     * by ki·W + kj: input element t of the channel receives Σ row[offset + t].
     */
    private int[][] shifts(int width, int lead, int stride) {
        int[][] s = new int[in][k * k];
        for (int c = 0; c < in; c++) {
            for (int ki = 0; ki < k; ki++) {
                for (int kj = 0; kj < k; kj++) {
                    s[c][ki * k + kj] = ((c * k + ki) * k + kj) * stride + lead - ki * width - kj;
                }
            }
        }
        return s;
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
