package bnlab.nn.kernel;

/**
 * The arithmetic every kernel of the fast engine is made of: matrix products, sums over runs of
 * floats, and element-by-element formulas over runs. Two implementations compute the same
 * things: {@link VectorSimd} with SIMD vectors from Java's Vector API, which needs the JVM
 * option {@code --add-modules jdk.incubator.vector}, and {@link PlainSimd} with plain loops that
 * the JIT compiler vectorizes by itself where it can, which runs in any JVM. {@link #get()}
 * picks the first when the module is there, the second otherwise; the system property
 * {@code bnlab.simd=plain} forces the plain one. A kernel keeps the choice in a static final
 * field, so the JIT compiles each call for the one implementation the process runs.
 *
 * <p>A run is {@code len} floats from an offset. Sums come back in double; the two
 * implementations add in different orders, so they agree to float rounding, not bit for bit.
 * Each is deterministic: the same inputs give the same bits however the work is split across
 * threads and whether or not the code is compiled yet.
 *
 * <p>"Columns" operations treat a run as one row of a matrix whose columns each have their own
 * constant: the constant for element i of the run is {@code array[at + i]}.
 */
public interface Simd {

    /** The implementation this JVM runs (chosen once). */
    static Simd get() {
        return Choice.SIMD;
    }

    /** Floats per vector, for layouts that want whole vectors (8 for the plain loops). */
    int lanes();

    /** What runs, for the notebooks' setup line, e.g. "Vector API, 256-bit vectors". */
    String describe();

    // ------------------------------------------------------------------ matrix products

    /**
     * C[i, j] (+)= Σ_k A(i, k)·B[k, j] for i &lt; m, j &lt; n, k &lt; depth, where
     * A(i, k) = a[aOff + i·aRow + k·aCol], B[k, j] = b[bOff + k·ldb + j], C[i, j] = c[cOff + i·ldc + j].
     * A is read through two strides, so a transposed A costs nothing.
     */
    void nn(
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
            boolean add);

    /**
     * C = A·B written (not added) for a B whose rows are {@code runs} runs of {@code len} floats
     * and a C whose runs lie {@code pitch} floats apart: for i &lt; m, q &lt; runs, t &lt; len,
     * c[cOff + i·ldc + q·pitch + t] = Σ_k A(i, k)·b[bOff + k·ldb + q·len + t], with A as in
     * {@link #nn}. The floats of C between runs are left alone. Each element is summed as
     * {@link #nn} sums it, so the results are the same bits as {@link #nn} on B's runs padded
     * with zeros to {@code pitch}. (A convolution's input gradient: the runs are rows of dY, laid
     * out with zeros between them.)
     */
    default void nnRuns(
            int m,
            int runs,
            int len,
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
            int pitch) {
        for (int q = 0; q < runs; q++) {
            nn(m, len, depth, a, aOff, aRow, aCol, b, bOff + q * len, ldb, c, cOff + q * pitch, ldc, false);
        }
    }

    /**
     * A convolution's weight-gradient sums for one image, read straight from the image instead
     * of its im2col columns: for r &lt; rows.length, o &lt; out,
     * acc[r·out + o] = acc[r·out + o] + Σ_t x[xOff + rows[r] + cells[t]]·dyT[t·out + o], t &lt;
     * cells.length, summed in the order of t onto acc's value with fused multiply-adds. rows[r]
     * is where patch element r = (c, ki, kj) sits relative to its window, cells[t] where output
     * t's window starts; dyT is the image's dY transposed, (positions, out).
     */
    default void addWeightSums(float[] x, int xOff, int[] rows, int[] cells, float[] dyT, int out, float[] acc) {
        for (int r = 0; r < rows.length; r++) {
            for (int o = 0; o < out; o++) {
                float s = acc[r * out + o];
                for (int t = 0; t < cells.length; t++) {
                    s = Math.fma(x[xOff + rows[r] + cells[t]], dyT[t * out + o], s);
                }
                acc[r * out + o] = s;
            }
        }
    }

    /** Whether {@link #addWeightSums} for {@code out} output channels beats im2col and a product. */
    default boolean fastWeightSums(int out) {
        return false;
    }

    /**
     * A convolution's forward pass for one image (stride 1, no padding), read straight from the
     * image: for o &lt; out and output (i, j), OH = h − k + 1, OW = width − k + 1,
     * y[yOff + (o·OH + i)·OW + j] = b[o] + Σ_r w[o·patch + r]·x[xOff + (c·h + i + ki)·width + j + kj],
     * r = (c, ki, kj) &lt; patch = in·k², summed in the order of r onto b[o] with fused
     * multiply-adds: the sums of im2col and {@link #nn} with {@code add} onto the bias, the same bits.
     */
    default void convForward(
            float[] x, int xOff, int in, int h, int width, int k, int out, float[] w, float[] b, float[] y, int yOff) {
        int oh = h - k + 1;
        int ow = width - k + 1;
        int patch = in * k * k;
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    float s = b[o];
                    for (int c = 0, r = 0; c < in; c++) {
                        for (int ki = 0; ki < k; ki++) {
                            for (int kj = 0; kj < k; kj++, r++) {
                                s = Math.fma(w[o * patch + r], x[xOff + (c * h + i + ki) * width + j + kj], s);
                            }
                        }
                    }
                    y[yOff + (o * oh + i) * ow + j] = s;
                }
            }
        }
    }

    /**
     * Adds one image's weight-gradient products to a convolution's running sums:
     * {@code sums.add(dY, dyOff, P, cols, 0, P)} with cols the image's im2col matrix
     * (in·k², P), P = OH·OW, row (c, ki, kj) holding x[xOff + (c·h + i + ki)·width + j + kj] for
     * every output (i, j). Here cols is made in {@code buffer} (in·k²·P floats); an implementation
     * may read the image another way, for the same sums of the same floats.
     */
    default void addConvWeightSums(
            ProductSums sums,
            float[] x,
            int xOff,
            int in,
            int h,
            int width,
            int k,
            float[] dY,
            int dyOff,
            float[] buffer) {
        int oh = h - k + 1;
        int ow = width - k + 1;
        int p = oh * ow;
        for (int c = 0, row = 0; c < in; c++) {
            for (int ki = 0; ki < k; ki++) {
                for (int kj = 0; kj < k; kj++, row++) {
                    copyRows(x, xOff + (c * h + ki) * width + kj, width, oh, ow, buffer, row * p);
                }
            }
        }
        sums.add(dY, dyOff, p, buffer, 0, p);
    }

    /**
     * {@link #convForward} for {@code images} consecutive images, x's from xOff and y's from
     * yOff (in·h·width and out·OH·OW floats apart): the same sums.
     */
    default void convForwardImages(
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
        int xStep = in * h * width;
        int yStep = out * (h - k + 1) * (width - k + 1);
        for (int e = 0; e < images; e++) {
            convForward(x, xOff + e * xStep, in, h, width, k, out, w, b, y, yOff + e * yStep);
        }
    }

    /** Whether {@link #convForward} ({@link #convForwardImages}) for an (oh, ow) output beats im2col and a product. */
    default boolean fastConvForward(int oh, int ow) {
        return false;
    }

    /** Whether {@link #nnRuns} with runs of {@code len} floats is faster than {@link #nn} on zero-padded runs. */
    default boolean fastRuns(int len) {
        return false;
    }

    /**
     * C[i, j] (+)= Σ_k A[i, k]·B[j, k] for i &lt; m, j &lt; n, k &lt; depth (dot products of rows), where
     * A[i, k] = a[aOff + i·lda + k], B[j, k] = b[bOff + j·ldb + k], C[i, j] = c[cOff + i·ldc + j].
     */
    void nt(
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
            boolean add);

    /**
     * C = Σ_e A_e·B_eᵀ over many pairs of matrices (a convolution's weight gradient sums one per
     * image): each implementation keeps partial sums the width of its vectors between pairs and
     * adds them up once, at {@link ProductSums#addTo}. C is (m, n), the products run over depth.
     */
    ProductSums productSums(int m, int n, int depth);

    /** The running sums of {@link #productSums}. */
    interface ProductSums {

        /** Adds A·Bᵀ with A[i, k] = a[aOff + i·lda + k] and B[j, k] = b[bOff + j·ldb + k]. */
        void add(float[] a, int aOff, int lda, float[] b, int bOff, int ldb);

        /** c[cOff + i·ldc + j] += the sum so far of C[i, j]; the sums then start again from zero. */
        void addTo(float[] c, int cOff, int ldc);

        /** Whether these sums are for (m, n) matrices over {@code depth}. */
        boolean fits(int m, int n, int depth);
    }

    // ------------------------------------------------------------------ sums over runs

    /*
     * Sums over {@code count} runs of {@code len} floats, {@code stride} floats apart from
     * {@code off}: the values x[off + e·stride + i], e < count, i < len. One channel c of an
     * (N, C, S) tensor is off = c·S, len = S, count = N, stride = C·S; one run is count = 1.
     */

    /** Σ x. */
    double sum(float[] x, int off, int len, int count, int stride);

    /** Σ (x − centre) into out[0] and Σ (x − centre)² into out[1], in one pass. */
    void moments(float[] x, int off, int len, int count, int stride, float centre, double[] out);

    /** Σ dY into out[0] and Σ dY·(x − centre) into out[1], in one pass over the same places of dY and x. */
    void gradientSums(float[] dY, float[] x, int off, int len, int count, int stride, float centre, double[] out);

    // ------------------------------------------------------------------ runs, one constant each

    /**
     * x̂ = (x − mean)·invStd and y = γ·x̂ + β over x[off, off + len), into the same places of xHat
     * and y; with xHat null, y alone.
     */
    void normalize(
            float[] x, float[] xHat, float[] y, int off, int len, float mean, float invStd, float gamma, float beta);

    /**
     * dX = scale·dY + (slope·x̂ + shift) over [off, off + len), a batch norm's input gradient, with
     * x̂ = (x − mean)·invStd made again from the input (or x̂ itself, with mean 0 and invStd 1).
     */
    void inputGradient(
            float[] dY,
            float[] x,
            float[] dX,
            int off,
            int len,
            float scale,
            float shift,
            float slope,
            float mean,
            float invStd);

    /** out[outOff + i] = a[aOff + i]·b[bOff + i]. */
    void multiply(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int len);

    // ------------------------------------------------------------------ runs, one constant per column

    /** acc[at + i] += x[off + i], or += (x[off + i] − centre[at + i])² when {@code centre} is not null. */
    void addColumns(float[] acc, float[] x, int off, int len, float[] centre, int at);

    /** x̂ = (x − mean[at + i])·scale[at + i], y = γ[at + i]·x̂ + β[at + i] over x[off, off + len). */
    void normalizeColumns(
            float[] x,
            float[] xHat,
            float[] y,
            int off,
            int len,
            float[] mean,
            float[] scale,
            float[] gamma,
            float[] beta,
            int at);

    /** y = γ[at + i]·x̂ + β[at + i] over [off, off + len). */
    void affineColumns(float[] xHat, float[] y, int off, int len, float[] gamma, float[] beta, int at);

    /** sumDy[at + i] += dY[off + i] and sumDyXHat[at + i] += dY[off + i]·x̂[off + i]. */
    void gradientSumColumns(float[] dY, float[] xHat, int off, int len, float[] sumDy, float[] sumDyXHat, int at);

    /** dX = scale[at + i]·dY + (slope[at + i]·x̂ + shift[at + i]) over [off, off + len). */
    void inputGradientColumns(
            float[] dY,
            float[] xHat,
            float[] dX,
            int off,
            int len,
            float[] scale,
            float[] shift,
            float[] slope,
            int at);

    // ------------------------------------------------------------------ activations over [from, to)

    /**
     * y = 1/(1 + e^−x), e^x within a few units in the last place; a y below 2^−126 (x below about
     * −87.3) is 0. Subnormal floats (0 < |v| < 2^−126) make every later operation on them about a
     * hundred times slower on x86 (a microcode assist each), and a saturated network (batch norm
     * that only divides by σ, a learning rate too large) makes millions of them: notebook 6's
     * variance-only runs trained 6 times slower. The values given up are below 1.2·10^−38.
     */
    void sigmoid(float[] x, float[] y, int from, int to);

    /** dX = dY·σ·(1 − σ), from the sigmoid's output σ; subnormal results are 0, as in {@link #sigmoid}. */
    void sigmoidBackward(float[] dY, float[] sigma, float[] dX, int from, int to);

    /** y = max(x, 0). */
    void relu(float[] x, float[] y, int from, int to);

    /** dX = dY where x &gt; 0, else 0. */
    void reluBackward(float[] dY, float[] x, float[] dX, int from, int to);

    // ------------------------------------------------------------------ rows (convolutions)

    /**
     * Copies {@code rows} rows of {@code cols} floats, {@code stride} floats apart in src, to
     * consecutive floats of dst (im2col's inner loop).
     */
    void copyRows(float[] src, int srcOff, int stride, int rows, int cols, float[] dst, int dstOff);

    /** dst[dstOff + t] = Σ_i src[offsets[i] + t] for t &lt; len, the terms added in the order of {@code offsets}. */
    void sumShifted(float[] src, int[] offsets, float[] dst, int dstOff, int len);

    /** The choice, made once when first asked. */
    final class Choice {

        static final Simd SIMD;
        /** Why the plain loops run; null when the Vector API does. */
        static final String WHY_PLAIN;

        static {
            Simd simd = null;
            String why = null;
            if ("plain".equals(System.getProperty("bnlab.simd"))) {
                why = "-Dbnlab.simd=plain";
            } else if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
                why = "no jdk.incubator.vector module";
            } else {
                try {
                    // By name, so that no Vector API class is loaded where the module is missing.
                    simd = (Simd) Class.forName("bnlab.nn.kernel.VectorSimd")
                            .getDeclaredConstructor()
                            .newInstance();
                } catch (ReflectiveOperationException | LinkageError e) {
                    why = "the Vector API failed to start: " + e;
                }
            }
            SIMD = simd != null ? simd : new PlainSimd();
            WHY_PLAIN = why;
        }

        private Choice() {}
    }
}
