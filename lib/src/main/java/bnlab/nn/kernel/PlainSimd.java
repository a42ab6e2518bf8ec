package bnlab.nn.kernel;

/**
 * {@link Simd} in plain Java, for a JVM started without {@code --add-modules
 * jdk.incubator.vector}. The JIT compiler vectorizes a counted loop by itself when every array
 * in it is indexed by the same expression, so the element-by-element loops are written that
 * way (one index for x, x̂, y, dY and dX, which share their layout). It does not vectorize sums:
 * those run with eight partial sums, which keeps both floating-point units busy. Matrix products
 * are in {@link PlainGemm}. The exponential is the same Cephes {@code expf} as
 * {@link VectorSimd}'s, so the sigmoid gives the same bits.
 */
final class PlainSimd implements Simd {

    /*
     * Cephes' single-precision expf, shared with VectorSimd: e^x = 2ⁿ·e^r with n = round(x·log₂e),
     * r = x − n·ln 2 (ln 2 in two parts), e^r ≈ 1 + r + r²·P(r).
     */
    static final float LOG2E = 1.44269504088896341f;
    static final float LN2_HI = 0.693359375f;
    static final float LN2_LO = -2.12194440e-4f;
    /** The range where 2ⁿ stays a normal float: e^−87.3 ≈ 1.2·10⁻³⁸, e^88 ≈ 1.7·10³⁸. */
    static final float MIN = -87.3f;

    static final float MAX = 88f;
    /** 1.5·2²³: adding and subtracting it rounds a float to the nearest integer. */
    static final float ROUND = 12582912f;

    static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);
    static final float P0 = 1.9875691500e-4f;
    static final float P1 = 1.3981999507e-3f;
    static final float P2 = 8.3334519073e-3f;
    static final float P3 = 4.1665795894e-2f;
    static final float P4 = 1.6666665459e-1f;
    static final float P5 = 5.0000001201e-1f;

    @Override
    public int lanes() {
        return 8;
    }

    @Override
    public String describe() {
        return "plain Java loops";
    }

    @Override
    public void nn(
            int m,
            int n,
            int depth,
            float[] a,
            int aOff,
            int aRow,
            int aCol,
            float[] b,
            int bOff,
            int ldb,
            float[] c,
            int cOff,
            int ldc,
            boolean add) {
        PlainGemm.nn(m, n, depth, a, aOff, aRow, aCol, b, bOff, ldb, c, cOff, ldc, add);
    }

    @Override
    public void nt(
            int m,
            int n,
            int depth,
            float[] a,
            int aOff,
            int lda,
            float[] b,
            int bOff,
            int ldb,
            float[] c,
            int cOff,
            int ldc,
            boolean add) {
        PlainGemm.nt(m, n, depth, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, add);
    }

    /**
     * im2col straight into {@link PlainGemm}'s rows (one copy, not two), for as many images side
     * by side as make rows of at least 256 floats (LeNet's second convolution has 64 positions an
     * image: loops of 64 spend much of their time entering and leaving the JIT's vector loop), then
     * each channel's row of outputs summed onto its bias in the order of the patch: {@link #nn}'s
     * sums with {@code add} onto C filled with the bias, the same bits.
     */
    @Override
    public void convForwardImages(
            float[] x,
            int xOff,
            int images,
            int in,
            int h,
            int width,
            int k,
            int out,
            float[] w,
            float[] b,
            float[] y,
            int yOff) {
        int oh = h - k + 1;
        int ow = width - k + 1;
        int p = oh * ow;
        int patch = in * k * k;
        int xStep = in * h * width;
        int group = Math.max(1, Math.min(images, (256 + p - 1) / p));
        PlainGemm.Scratch s = PlainGemm.SCRATCH.get();
        float[][] rows = s.rows(patch, group * p);
        float[] acc = s.acc(group * p);
        for (int e0 = 0; e0 < images; e0 += group) {
            int count = Math.min(group, images - e0);
            int n = count * p;
            for (int c = 0, r = 0; c < in; c++) {
                for (int ki = 0; ki < k; ki++) {
                    for (int kj = 0; kj < k; kj++, r++) {
                        for (int q = 0; q < count; q++) {
                            copyRows(
                                    x,
                                    xOff + (e0 + q) * xStep + (c * h + ki) * width + kj,
                                    width,
                                    oh,
                                    ow,
                                    rows[r],
                                    q * p);
                        }
                    }
                }
            }
            for (int o = 0; o < out; o++) {
                java.util.Arrays.fill(acc, 0, n, b[o]);
                PlainGemm.accumulate(acc, n, patch, rows, w, o * patch, 1);
                for (int q = 0; q < count; q++) {
                    System.arraycopy(acc, q * p, y, yOff + ((e0 + q) * out + o) * p, p);
                }
            }
        }
    }

    @Override
    public void convForward(
            float[] x, int xOff, int in, int h, int width, int k, int out, float[] w, float[] b, float[] y, int yOff) {
        convForwardImages(x, xOff, 1, in, h, width, k, out, w, b, y, yOff);
    }

    /** Every shape ({@link #convForwardImages}). */
    @Override
    public boolean fastConvForward(int oh, int ow) {
        return true;
    }

    /**
     * Long products (depth ≥ 256, say 576 positions of an image): one array of {@code depth}
     * partial sums per element of C, and adding a pair of matrices copies their rows to offset 0
     * and multiplies and adds element by element, which the JIT vectorizes; {@link
     * ProductSums#addTo} sums each array once. Short products: C itself is accumulated, row by
     * row, as A·(Bᵀ), with Bᵀ copied into one array per row ({@link PlainGemm}'s inner loop).
     */
    @Override
    public ProductSums productSums(int m, int n, int depth) {
        return depth >= 256 ? new LaneSums(m, n, depth) : new RowSums(m, n, depth);
    }

    private static final class LaneSums implements ProductSums {
        private final int m;
        private final int n;
        private final int depth;
        private final float[][] acc;
        private final float[][] rowsA;
        private final float[][] rowsB;

        LaneSums(int m, int n, int depth) {
            this.m = m;
            this.n = n;
            this.depth = depth;
            acc = new float[m * n][depth];
            rowsA = new float[m][depth];
            rowsB = new float[n][depth];
        }

        @Override
        public boolean fits(int m2, int n2, int depth2) {
            return m2 == m && n2 == n && depth2 == depth;
        }

        @Override
        public void add(float[] a, int aOff, int lda, float[] b, int bOff, int ldb) {
            for (int i = 0; i < m; i++) {
                System.arraycopy(a, aOff + i * lda, rowsA[i], 0, depth);
            }
            for (int j = 0; j < n; j++) {
                System.arraycopy(b, bOff + j * ldb, rowsB[j], 0, depth);
            }
            for (int i = 0; i < m; i++) {
                float[] x = rowsA[i];
                for (int j = 0; j < n; j++) {
                    float[] y = rowsB[j];
                    float[] s = acc[i * n + j];
                    for (int k = 0; k < depth; k++) {
                        s[k] = Math.fma(x[k], y[k], s[k]);
                    }
                }
            }
        }

        @Override
        public void addTo(float[] c, int cOff, int ldc) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    float[] s = acc[i * n + j];
                    c[cOff + i * ldc + j] += (float) sumOf(s, 0, depth);
                    java.util.Arrays.fill(s, 0f);
                }
            }
        }
    }

    private static final class RowSums implements ProductSums {
        private final int m;
        private final int n;
        private final int depth;
        private final float[] acc;
        private final float[] b;

        RowSums(int m, int n, int depth) {
            this.m = m;
            this.n = n;
            this.depth = depth;
            acc = new float[m * n];
            b = new float[depth * n];
        }

        @Override
        public boolean fits(int m2, int n2, int depth2) {
            return m2 == m && n2 == n && depth2 == depth;
        }

        @Override
        public void add(float[] a, int aOff, int lda, float[] bIn, int bOff, int ldb) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < depth; k++) {
                    b[k * n + j] = bIn[bOff + j * ldb + k];
                }
            }
            PlainGemm.nn(m, n, depth, a, aOff, lda, 1, b, 0, n, acc, 0, n, true);
        }

        @Override
        public void addTo(float[] c, int cOff, int ldc) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    c[cOff + i * ldc + j] += acc[i * n + j];
                }
            }
            java.util.Arrays.fill(acc, 0f);
        }
    }

    /** e^x for x in [−87.3, 88] (clamped), the operations of {@link VectorSimd#exp(float)}. */
    static float exp(float x) {
        x = Math.min(Math.max(x, MIN), MAX);
        float t = Math.fma(x, LOG2E, ROUND);
        float n = t - ROUND;
        float r = Math.fma(n, -LN2_HI, x);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(P0, r, P1), r, P2), r, P3), r, P4), r, P5);
        p = Math.fma(p, r * r, r) + 1f;
        return p * Float.intBitsToFloat((Float.floatToRawIntBits(t) - (ROUND_BITS - 127)) << 23);
    }

    /** Run by run: partial sums in float, moved into a double every 1 024 floats (as the vector sums do every 128 vectors). */
    @Override
    public double sum(float[] x, int off, int len, int count, int stride) {
        double total = 0;
        for (int e = 0; e < count; e++) {
            total += sumOf(x, off + e * stride, len);
        }
        return total;
    }

    static double sumOf(float[] x, int off, int len) {
        double sum = 0;
        int i = 0;
        while (i + 8 <= len) {
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
            for (int end = Math.min(len - 7, i + 1024); i < end; i += 8) {
                int p = off + i;
                s0 += x[p];
                s1 += x[p + 1];
                s2 += x[p + 2];
                s3 += x[p + 3];
                s4 += x[p + 4];
                s5 += x[p + 5];
                s6 += x[p + 6];
                s7 += x[p + 7];
            }
            sum += s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7;
        }
        for (; i < len; i++) {
            sum += x[off + i];
        }
        return sum;
    }

    /** Per run: eight partial sums of each, moved into doubles at the end of the run. */
    @Override
    public void moments(float[] x, int off, int len, int count, int stride, float centre, double[] out) {
        double sum = 0;
        double squares = 0;
        for (int e = 0; e < count; e++) {
            int base = off + e * stride;
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0, q0 = 0, q1 = 0, q2 = 0, q3 = 0;
            int i = 0;
            for (; i + 4 <= len; i += 4) {
                float d0 = x[base + i] - centre;
                float d1 = x[base + i + 1] - centre;
                float d2 = x[base + i + 2] - centre;
                float d3 = x[base + i + 3] - centre;
                s0 += d0;
                s1 += d1;
                s2 += d2;
                s3 += d3;
                q0 = Math.fma(d0, d0, q0);
                q1 = Math.fma(d1, d1, q1);
                q2 = Math.fma(d2, d2, q2);
                q3 = Math.fma(d3, d3, q3);
            }
            sum += s0 + s1 + s2 + s3;
            squares += q0 + q1 + q2 + q3;
            for (; i < len; i++) {
                double d = x[base + i] - centre;
                sum += d;
                squares += d * d;
            }
        }
        out[0] = sum;
        out[1] = squares;
    }

    @Override
    public void gradientSums(
            float[] dY, float[] x, int off, int len, int count, int stride, float centre, double[] out) {
        double sum = 0;
        double sumX = 0;
        for (int e = 0; e < count; e++) {
            int base = off + e * stride;
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0, q0 = 0, q1 = 0, q2 = 0, q3 = 0;
            int i = 0;
            for (; i + 4 <= len; i += 4) {
                float d0 = dY[base + i];
                float d1 = dY[base + i + 1];
                float d2 = dY[base + i + 2];
                float d3 = dY[base + i + 3];
                s0 += d0;
                s1 += d1;
                s2 += d2;
                s3 += d3;
                q0 = Math.fma(d0, x[base + i] - centre, q0);
                q1 = Math.fma(d1, x[base + i + 1] - centre, q1);
                q2 = Math.fma(d2, x[base + i + 2] - centre, q2);
                q3 = Math.fma(d3, x[base + i + 3] - centre, q3);
            }
            sum += s0 + s1 + s2 + s3;
            sumX += q0 + q1 + q2 + q3;
            for (; i < len; i++) {
                sum += dY[base + i];
                sumX += (double) dY[base + i] * (x[base + i] - centre);
            }
        }
        out[0] = sum;
        out[1] = sumX;
    }

    @Override
    public void normalize(
            float[] x, float[] xHat, float[] y, int off, int len, float mean, float invStd, float gamma, float beta) {
        if (xHat == null) {
            for (int i = off; i < off + len; i++) {
                y[i] = Math.fma((x[i] - mean) * invStd, gamma, beta);
            }
            return;
        }
        for (int i = off; i < off + len; i++) {
            float h = (x[i] - mean) * invStd;
            xHat[i] = h;
            y[i] = Math.fma(h, gamma, beta);
        }
    }

    @Override
    public void inputGradient(
            float[] dY,
            float[] x,
            float[] dX,
            int off,
            int len,
            float scale,
            float shift,
            float slope,
            float mean,
            float invStd) {
        for (int i = off; i < off + len; i++) {
            dX[i] = Math.fma(dY[i], scale, Math.fma((x[i] - mean) * invStd, slope, shift));
        }
    }

    @Override
    public void multiply(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int len) {
        for (int i = 0; i < len; i++) {
            out[outOff + i] = a[aOff + i] * b[bOff + i];
        }
    }

    @Override
    public void addColumns(float[] acc, float[] x, int off, int len, float[] centre, int at) {
        if (centre == null) {
            for (int j = 0; j < len; j++) {
                acc[at + j] += x[off + j];
            }
            return;
        }
        for (int j = 0; j < len; j++) {
            float v = x[off + j] - centre[at + j];
            acc[at + j] = Math.fma(v, v, acc[at + j]);
        }
    }

    @Override
    public void normalizeColumns(
            float[] x,
            float[] xHat,
            float[] y,
            int off,
            int len,
            float[] mean,
            float[] scale,
            float[] gamma,
            float[] beta,
            int at) {
        for (int j = 0; j < len; j++) {
            float h = (x[off + j] - mean[at + j]) * scale[at + j];
            xHat[off + j] = h;
            y[off + j] = Math.fma(h, gamma[at + j], beta[at + j]);
        }
    }

    @Override
    public void affineColumns(float[] xHat, float[] y, int off, int len, float[] gamma, float[] beta, int at) {
        for (int j = 0; j < len; j++) {
            y[off + j] = Math.fma(xHat[off + j], gamma[at + j], beta[at + j]);
        }
    }

    @Override
    public void gradientSumColumns(
            float[] dY, float[] xHat, int off, int len, float[] sumDy, float[] sumDyXHat, int at) {
        for (int j = 0; j < len; j++) {
            sumDy[at + j] += dY[off + j];
            sumDyXHat[at + j] = Math.fma(dY[off + j], xHat[off + j], sumDyXHat[at + j]);
        }
    }

    @Override
    public void inputGradientColumns(
            float[] dY,
            float[] xHat,
            float[] dX,
            int off,
            int len,
            float[] scale,
            float[] shift,
            float[] slope,
            int at) {
        for (int j = 0; j < len; j++) {
            dX[off + j] = Math.fma(dY[off + j], scale[at + j], Math.fma(xHat[off + j], slope[at + j], shift[at + j]));
        }
    }

    /** Per thread: two chunks of floats, so that every loop of {@link #sigmoid} indexes its arrays alike. */
    /** Floats per chunk of the loops that work on copies (they stay in the fastest cache). */
    private static final int SIGMOID_CHUNK = 1024;

    private static final ThreadLocal<float[][]> CHUNK = ThreadLocal.withInitial(() -> new float[2][SIGMOID_CHUNK]);

    /**
     * The exponential split into four simple loops over a copied chunk: written as one loop (as
     * {@link #exp} is), the JIT does not vectorize it, and the sigmoid would take four times as long.
     */
    @Override
    public void sigmoid(float[] x, float[] y, int from, int to) {
        float[][] chunk = CHUNK.get();
        float[] a = chunk[0];
        float[] b = chunk[1];
        for (int c = from; c < to; c += SIGMOID_CHUNK) {
            int len = Math.min(SIGMOID_CHUNK, to - c);
            System.arraycopy(x, c, a, 0, len);
            for (int j = 0; j < len; j++) { // v = −x, clamped
                a[j] = Math.min(Math.max(-a[j], MIN), MAX);
            }
            for (int j = 0; j < len; j++) { // e^r, r = v − n·ln 2
                float v = a[j];
                float t = Math.fma(v, LOG2E, ROUND);
                float n = t - ROUND;
                float r = Math.fma(n, -LN2_LO, Math.fma(n, -LN2_HI, v));
                float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(P0, r, P1), r, P2), r, P3), r, P4), r, P5);
                b[j] = Math.fma(p, r * r, r) + 1f;
            }
            for (int j = 0; j < len; j++) { // 2ⁿ
                a[j] = Float.intBitsToFloat(
                        (Float.floatToRawIntBits(Math.fma(a[j], LOG2E, ROUND)) - (ROUND_BITS - 127)) << 23);
            }
            for (int j = 0; j < len; j++) {
                b[j] = flushSubnormal(1f / (b[j] * a[j] + 1f));
            }
            System.arraycopy(b, 0, y, c, len);
        }
    }

    @Override
    public void sigmoidBackward(float[] dY, float[] sigma, float[] dX, int from, int to) {
        for (int i = from; i < to; i++) {
            dX[i] = flushSubnormal(dY[i] * sigma[i] * (1 - sigma[i]));
        }
    }

    /**
     * v, or +0 when v is subnormal (0 < |v| < 2^−126): without branches, so that loops calling it
     * still vectorize. (bits of |v|) − 2^23 is negative exactly for subnormals and zeros.
     */
    static float flushSubnormal(float v) {
        int bits = Float.floatToRawIntBits(v);
        int subnormal = ((bits & 0x7fffffff) - 0x00800000) >> 31; // all ones or all zeros
        return Float.intBitsToFloat(bits & ~subnormal);
    }

    @Override
    public void relu(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            y[i] = Math.max(x[i], 0f);
        }
    }

    @Override
    public void reluBackward(float[] dY, float[] x, float[] dX, int from, int to) {
        for (int i = from; i < to; i++) {
            dX[i] = x[i] > 0 ? dY[i] : 0f;
        }
    }

    @Override
    public void copyRows(float[] src, int srcOff, int stride, int rows, int cols, float[] dst, int dstOff) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(src, srcOff + r * stride, dst, dstOff + r * cols, cols);
        }
    }

    /** Each shifted row is first copied to offset 0, so that the adds run with vectors. */
    @Override
    public void sumShifted(float[] src, int[] offsets, float[] dst, int dstOff, int len) {
        float[][] chunk = CHUNK.get();
        float[] acc = chunk[0];
        float[] row = chunk[1];
        for (int c = 0; c < len; c += SIGMOID_CHUNK) {
            int n = Math.min(SIGMOID_CHUNK, len - c);
            java.util.Arrays.fill(acc, 0, n, 0f);
            for (int off : offsets) {
                System.arraycopy(src, off + c, row, 0, n);
                for (int t = 0; t < n; t++) {
                    acc[t] += row[t];
                }
            }
            System.arraycopy(acc, 0, dst, dstOff + c, n);
        }
    }
}
