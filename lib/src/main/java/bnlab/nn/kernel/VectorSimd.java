package bnlab.nn.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Simd} with SIMD vectors from the Vector API ({@code jdk.incubator.vector}), the
 * preferred width of the processor (256 bits with AVX2, 512 with AVX-512). Only this class and
 * {@link VectorGemm} use the API, and {@link Simd#get()} loads them by name, so a JVM without the
 * module never links them.
 *
 * <p>Two vector operations would make results depend on the JIT: {@code reduceLanes(ADD)} adds
 * lanes in an unspecified order, and the built-in exponential may differ in the last bit between
 * interpreted and compiled code. Here lanes are added left to right ({@link #sumLanes}), and e^x
 * is Cephes' single-precision {@code expf} (range reduction by powers of two, a degree-5
 * polynomial; relative error below 2·10⁻⁷; constants in {@link PlainSimd}) written with plain
 * adds, multiplies and fused multiply-adds, which round the same way everywhere. Loop tails use
 * scalar twins that compute exactly the same thing.
 *
 * <p>Only one vector width is used in the whole program: mixing widths (a 256-bit vector for a
 * row of 8 floats on a 512-bit machine, say) makes the JIT give up on every vector operation,
 * ten times slower everywhere.
 */
final class VectorSimd implements Simd {

    private static final VectorSpecies<Float> S = VectorGemm.S;
    private static final int L = S.length();
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);
    /** Lanes L/2 .. L−1: joins the end of one short row and the start of the next in one vector. */
    private static final VectorMask<Float> UPPER_HALF = VectorMask.fromLong(S, ((1L << L) - 1) & -(1L << (L / 2)));

    private static final VectorMask<Float> LOWER_HALF = UPPER_HALF.not();

    @Override
    public int lanes() {
        return L;
    }

    @Override
    public String describe() {
        return "Vector API, " + S.vectorBitSize() + "-bit vectors";
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
        VectorGemm.nn(m, n, depth, a, aOff, aRow, aCol, b, bOff, ldb, c, cOff, ldc, add);
    }

    @Override
    public void nnRuns(
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
        if (len == L) {
            VectorGemm.nnRuns(m, runs, depth, a, aOff, aRow, aCol, b, bOff, ldb, c, cOff, ldc, pitch);
        } else {
            Simd.super.nnRuns(m, runs, len, depth, a, aOff, aRow, aCol, b, bOff, ldb, c, cOff, ldc, pitch);
        }
    }

    @Override
    public void addWeightSums(float[] x, int xOff, int[] rows, int[] cells, float[] dyT, int out, float[] acc) {
        if (out == 2 * L) {
            VectorGemm.weightSums(x, xOff, rows, cells, dyT, acc);
        } else if (out == L) {
            VectorGemm.weightSumsOneVector(x, xOff, rows, cells, dyT, acc);
        } else {
            Simd.super.addWeightSums(x, xOff, rows, cells, dyT, out, acc);
        }
    }

    /** One or two vectors of output channels (LeNet's second convolution, 16, on 512- or 256-bit vectors). */
    @Override
    public boolean fastWeightSums(int out) {
        return out == 2 * L || out == L;
    }

    /**
     * {@link VectorGemm#convProduct}, no im2col. Output rows one vector long (LeNet's second
     * convolution on 256-bit vectors): a vector of B is read straight from the image. Otherwise
     * each channel's columns kj .. kj + OW − 1 are first copied as rows of OW floats, k copies of
     * the image instead of im2col's k², where a row of B (c, ki, kj) is OH·OW consecutive floats:
     * the whole output in vectors, rows running into each other (LeNet's 8 on 512-bit vectors,
     * 24 for its first convolution).
     */
    @Override
    public void convForward(
            float[] x, int xOff, int in, int h, int width, int k, int out, float[] w, float[] b, float[] y, int yOff) {
        int oh = h - k + 1;
        int ow = width - k + 1;
        if (!fastConvForward(oh, ow)) {
            Simd.super.convForward(x, xOff, in, h, width, k, out, w, b, y, yOff);
            return;
        }
        if (ow == L) {
            ConvTables t = tables(in, h, width, k);
            VectorGemm.convProduct(out, oh, in * k * k, w, b, x, xOff, t.rowAt, width, y, yOff, oh * ow);
            return;
        }
        ConvTables t = copyColumns(x, xOff, in, h, width, k);
        VectorGemm.convProduct(out, oh * ow / L, in * k * k, w, b, t.columns, 0, t.rowAt, L, y, yOff, oh * ow);
    }

    /**
     * Where {@link #convForward} copies columns and the sums keep a vector per element (LeNet's
     * first convolution): B's rows read from the k copies of the image instead of im2col's k².
     */
    @Override
    public void addConvWeightSums(
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
        if (ow == L || !fastConvForward(oh, ow) || !(sums instanceof VectorGemm.VectorProductSums)) {
            Simd.super.addConvWeightSums(sums, x, xOff, in, h, width, k, dY, dyOff, buffer);
            return;
        }
        ConvTables t = copyColumns(x, xOff, in, h, width, k);
        ((VectorGemm.VectorProductSums) sums).addRows(dY, dyOff, oh * ow, t.columns, t.rowAt);
    }

    /** Rows of one vector, or a whole number of vectors in the output (see {@link #convForward}). */
    @Override
    public boolean fastConvForward(int oh, int ow) {
        return ow == L || (oh * ow) % L == 0;
    }

    /**
     * This thread's tables for the shape: a few shapes are kept (LeNet has two convolutions), so
     * that a step allocates none once every shape has been seen.
     */
    private static ConvTables tables(int in, int h, int width, int k) {
        ConvTables[] kept = CONV_TABLES.get();
        for (ConvTables t : kept) {
            if (t != null && t.fits(in, h, width, k)) {
                return t;
            }
        }
        ConvTables t = new ConvTables(in, h, width, k);
        System.arraycopy(kept, 0, kept, 1, kept.length - 1);
        kept[0] = t;
        return t;
    }

    /**
     * The image's channels' columns kj .. kj + OW − 1 as rows of OW floats, into this thread's
     * tables for the shape (whose rowAt then finds row (c, ki, kj) of im2col's matrix).
     */
    private ConvTables copyColumns(float[] x, int xOff, int in, int h, int width, int k) {
        ConvTables t = tables(in, h, width, k);
        int ow = width - k + 1;
        float[] into = t.columns;
        int back = width - ow;
        for (int c = 0; c < in; c++) {
            for (int kj = 0; kj < k; kj++) {
                int from = xOff + c * h * width + kj;
                int to = (c * k + kj) * h * ow;
                if (ow == L / 2) {
                    // Two rows a vector, from two loads (the first reads past its row, the second
                    // starts before its row, both inside the channel); a last odd row alone, masked.
                    int r = 0;
                    for (; r + 2 <= h; r += 2) {
                        int at = from + r * width;
                        FloatVector.fromArray(S, x, at)
                                .blend(FloatVector.fromArray(S, x, at + back), UPPER_HALF)
                                .intoArray(into, to + r * ow);
                    }
                    if (r < h) {
                        FloatVector.fromArray(S, x, from + r * width, LOWER_HALF)
                                .intoArray(into, to + r * ow, LOWER_HALF);
                    }
                } else {
                    copyRows(x, from, width, h, ow, into, to);
                }
            }
        }
        return t;
    }

    private static final ThreadLocal<ConvTables[]> CONV_TABLES = ThreadLocal.withInitial(() -> new ConvTables[4]);

    /**
     * Per thread, for {@link #convForward} on one shape: where row r = (c, ki, kj) of the product's
     * B starts (in the image for rows of one vector, in the copied columns otherwise).
     */
    private static final class ConvTables {
        final int in;
        final int h;
        final int width;
        final int k;
        final int[] rowAt;
        final float[] columns;

        ConvTables(int in, int h, int width, int k) {
            this.in = in;
            this.h = h;
            this.width = width;
            this.k = k;
            int ow = width - k + 1;
            rowAt = new int[in * k * k];
            for (int c = 0, r = 0; c < in; c++) {
                for (int ki = 0; ki < k; ki++) {
                    for (int kj = 0; kj < k; kj++, r++) {
                        rowAt[r] = ow == L ? (c * h + ki) * width + kj : ((c * k + kj) * h + ki) * ow;
                    }
                }
            }
            columns = new float[ow == L ? 0 : in * k * h * ow];
        }

        boolean fits(int in, int h, int width, int k) {
            return this.in == in && this.h == h && this.width == width && this.k == k;
        }
    }

    /** Runs of one vector: {@link VectorGemm#nnRuns} (LeNet's second convolution, rows of 8, on 256-bit vectors). */
    @Override
    public boolean fastRuns(int len) {
        return len == L;
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
        VectorGemm.nt(m, n, depth, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, add);
    }

    @Override
    public ProductSums productSums(int m, int n, int depth) {
        return m % L == 0 && depth < 256
                ? new VectorGemm.TransposedProductSums(m, n, depth)
                : new VectorGemm.VectorProductSums(m, n, depth);
    }

    /** v[0] + v[1] + … + v[L−1], left to right. */
    static float sumLanes(FloatVector v) {
        if (L == 8) { // AVX2: unrolled, the JIT turns each lane() into one extract
            return v.lane(0) + v.lane(1) + v.lane(2) + v.lane(3) + v.lane(4) + v.lane(5) + v.lane(6) + v.lane(7);
        }
        float s = v.lane(0);
        for (int i = 1; i < L; i++) {
            s += v.lane(i);
        }
        return s;
    }

    /** e^x lane by lane, for x in [−87.3, 88] (inputs outside are clamped): {@link PlainSimd#exp}'s operations. */
    static FloatVector exp(FloatVector x) {
        x = x.max(PlainSimd.MIN).min(PlainSimd.MAX);
        // t = ROUND + n exactly, so n = t − ROUND and, in t's bits, n = bits(t) − bits(ROUND).
        FloatVector t = x.fma(FloatVector.broadcast(S, PlainSimd.LOG2E), FloatVector.broadcast(S, PlainSimd.ROUND));
        FloatVector n = t.sub(PlainSimd.ROUND);
        FloatVector r = n.fma(FloatVector.broadcast(S, -PlainSimd.LN2_HI), x);
        r = n.fma(FloatVector.broadcast(S, -PlainSimd.LN2_LO), r);
        FloatVector p = FloatVector.broadcast(S, PlainSimd.P0)
                .fma(r, FloatVector.broadcast(S, PlainSimd.P1))
                .fma(r, FloatVector.broadcast(S, PlainSimd.P2))
                .fma(r, FloatVector.broadcast(S, PlainSimd.P3))
                .fma(r, FloatVector.broadcast(S, PlainSimd.P4))
                .fma(r, FloatVector.broadcast(S, PlainSimd.P5));
        p = p.fma(r.mul(r), r).add(1f);
        IntVector bits = ((IntVector) t.reinterpretAsInts())
                .sub(PlainSimd.ROUND_BITS - 127)
                .lanewise(VectorOperators.LSHL, 23);
        return p.mul(bits.reinterpretAsFloats());
    }

    /** The scalar twin of {@link #exp(FloatVector)} for loop tails: the same operations, the same result. */
    static float exp(float x) {
        return PlainSimd.exp(x);
    }

    /** Σ x·y in float: vector lanes, added left to right, then the tail. */
    static float dotFloat(int depth, float[] x, int xOff, float[] y, int yOff) {
        FloatVector s = FloatVector.zero(S);
        int k = 0;
        for (int bound = S.loopBound(depth); k < bound; k += L) {
            s = FloatVector.fromArray(S, x, xOff + k).fma(FloatVector.fromArray(S, y, yOff + k), s);
        }
        float sum = sumLanes(s);
        for (; k < depth; k++) {
            sum += x[xOff + k] * y[yOff + k];
        }
        return sum;
    }

    /** Vectors added between moves of their lanes into the double total (sums stay accurate to float rounding of 128 terms). */
    private static final int FLUSH = 128;

    /*
     * The sums keep one or two vectors of partial sums across runs, in memory between runs (a
     * vector kept in a variable across two nested loops makes the JIT box it), and move it into
     * a double every FLUSH vectors; the last floats of each run go straight into the double.
     */

    /** {@link #moments} around 0 (its squares cost one more multiply-add per float, which memory hides). */
    @Override
    public double sum(float[] x, int off, int len, int count, int stride) {
        if (count == 1 && len % L == 0 && len / L < FLUSH) {
            // moments' sum of one run that ends before a flush (a convolution's bias gradient,
            // one image's channel), without its squares or its buffers: the same adds.
            FloatVector s = FloatVector.zero(S);
            for (int i = 0; i < len; i += L) {
                s = s.add(FloatVector.fromArray(S, x, off + i));
            }
            return 0.0 + sumLanes(s);
        }
        double[] out = new double[2];
        moments(x, off, len, count, stride, 0f, out);
        return out[0];
    }

    @Override
    public void moments(float[] x, int off, int len, int count, int stride, float centre, double[] out) {
        float[] acc = new float[2 * L];
        FloatVector mu = FloatVector.broadcast(S, centre);
        double sum = 0;
        double squares = 0;
        int whole = len - len % L;
        int pending = 0;
        for (int e = 0; e < count; e++) {
            int base = off + e * stride;
            int i = 0;
            while (i < whole) {
                FloatVector s1 = FloatVector.fromArray(S, acc, 0);
                FloatVector s2 = FloatVector.fromArray(S, acc, L);
                int end = Math.min(whole, i + (FLUSH - pending) * L);
                pending += (end - i) / L;
                for (; i < end; i += L) {
                    FloatVector d = FloatVector.fromArray(S, x, base + i).sub(mu);
                    s1 = s1.add(d);
                    s2 = d.fma(d, s2);
                }
                if (pending == FLUSH) {
                    sum += sumLanes(s1);
                    squares += sumLanes(s2);
                    s1 = FloatVector.zero(S);
                    s2 = FloatVector.zero(S);
                    pending = 0;
                }
                s1.intoArray(acc, 0);
                s2.intoArray(acc, L);
            }
            for (; i < len; i++) {
                double d = x[base + i] - centre;
                sum += d;
                squares += d * d;
            }
        }
        out[0] = sum + sumLanes(FloatVector.fromArray(S, acc, 0));
        out[1] = squares + sumLanes(FloatVector.fromArray(S, acc, L));
    }

    @Override
    public void gradientSums(
            float[] dY, float[] x, int off, int len, int count, int stride, float centre, double[] out) {
        float[] acc = new float[2 * L];
        FloatVector mu = FloatVector.broadcast(S, centre);
        double sum = 0;
        double sumX = 0;
        int whole = len - len % L;
        int pending = 0;
        for (int e = 0; e < count; e++) {
            int base = off + e * stride;
            int i = 0;
            while (i < whole) {
                FloatVector s1 = FloatVector.fromArray(S, acc, 0);
                FloatVector s2 = FloatVector.fromArray(S, acc, L);
                int end = Math.min(whole, i + (FLUSH - pending) * L);
                pending += (end - i) / L;
                for (; i < end; i += L) {
                    FloatVector d = FloatVector.fromArray(S, dY, base + i);
                    s1 = s1.add(d);
                    s2 = d.fma(FloatVector.fromArray(S, x, base + i).sub(mu), s2);
                }
                if (pending == FLUSH) {
                    sum += sumLanes(s1);
                    sumX += sumLanes(s2);
                    s1 = FloatVector.zero(S);
                    s2 = FloatVector.zero(S);
                    pending = 0;
                }
                s1.intoArray(acc, 0);
                s2.intoArray(acc, L);
            }
            for (; i < len; i++) {
                sum += dY[base + i];
                sumX += (double) dY[base + i] * (x[base + i] - centre);
            }
        }
        out[0] = sum + sumLanes(FloatVector.fromArray(S, acc, 0));
        out[1] = sumX + sumLanes(FloatVector.fromArray(S, acc, L));
    }

    @Override
    public void normalize(
            float[] x, float[] xHat, float[] y, int off, int len, float mean, float invStd, float gamma, float beta) {
        int i = 0;
        FloatVector mu = FloatVector.broadcast(S, mean);
        FloatVector is = FloatVector.broadcast(S, invStd);
        FloatVector ga = FloatVector.broadcast(S, gamma);
        FloatVector be = FloatVector.broadcast(S, beta);
        int bound = S.loopBound(len);
        if (xHat == null) {
            for (; i < bound; i += L) {
                FloatVector.fromArray(S, x, off + i).sub(mu).mul(is).fma(ga, be).intoArray(y, off + i);
            }
        } else {
            for (; i < bound; i += L) {
                FloatVector h = FloatVector.fromArray(S, x, off + i).sub(mu).mul(is);
                h.intoArray(xHat, off + i);
                h.fma(ga, be).intoArray(y, off + i);
            }
        }
        for (; i < len; i++) {
            float h = (x[off + i] - mean) * invStd;
            if (xHat != null) {
                xHat[off + i] = h;
            }
            y[off + i] = Math.fma(h, gamma, beta);
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
        int i = 0;
        FloatVector a = FloatVector.broadcast(S, scale);
        FloatVector b = FloatVector.broadcast(S, shift);
        FloatVector k = FloatVector.broadcast(S, slope);
        FloatVector mu = FloatVector.broadcast(S, mean);
        FloatVector is = FloatVector.broadcast(S, invStd);
        for (int bound = S.loopBound(len); i < bound; i += L) {
            FloatVector d = FloatVector.fromArray(S, dY, off + i);
            FloatVector h = FloatVector.fromArray(S, x, off + i).sub(mu).mul(is);
            d.fma(a, h.fma(k, b)).intoArray(dX, off + i);
        }
        for (; i < len; i++) {
            float h = (x[off + i] - mean) * invStd;
            dX[off + i] = Math.fma(dY[off + i], scale, Math.fma(h, slope, shift));
        }
    }

    @Override
    public void multiply(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int len) {
        int i = 0;
        for (int bound = S.loopBound(len); i < bound; i += L) {
            FloatVector.fromArray(S, a, aOff + i)
                    .mul(FloatVector.fromArray(S, b, bOff + i))
                    .intoArray(out, outOff + i);
        }
        for (; i < len; i++) {
            out[outOff + i] = a[aOff + i] * b[bOff + i];
        }
    }

    @Override
    public void addColumns(float[] acc, float[] x, int off, int len, float[] centre, int at) {
        int j = 0;
        for (int bound = S.loopBound(len); j < bound; j += L) {
            FloatVector v = FloatVector.fromArray(S, x, off + j);
            FloatVector a = FloatVector.fromArray(S, acc, at + j);
            if (centre != null) {
                v = v.sub(FloatVector.fromArray(S, centre, at + j));
                a = v.fma(v, a);
            } else {
                a = a.add(v);
            }
            a.intoArray(acc, at + j);
        }
        for (; j < len; j++) {
            float v = centre == null ? x[off + j] : x[off + j] - centre[at + j];
            acc[at + j] = centre == null ? acc[at + j] + v : Math.fma(v, v, acc[at + j]);
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
        int j = 0;
        for (int bound = S.loopBound(len); j < bound; j += L) {
            FloatVector h = FloatVector.fromArray(S, x, off + j)
                    .sub(FloatVector.fromArray(S, mean, at + j))
                    .mul(FloatVector.fromArray(S, scale, at + j));
            h.intoArray(xHat, off + j);
            h.fma(FloatVector.fromArray(S, gamma, at + j), FloatVector.fromArray(S, beta, at + j))
                    .intoArray(y, off + j);
        }
        for (; j < len; j++) {
            float h = (x[off + j] - mean[at + j]) * scale[at + j];
            xHat[off + j] = h;
            y[off + j] = Math.fma(h, gamma[at + j], beta[at + j]);
        }
    }

    @Override
    public void affineColumns(float[] xHat, float[] y, int off, int len, float[] gamma, float[] beta, int at) {
        int j = 0;
        for (int bound = S.loopBound(len); j < bound; j += L) {
            FloatVector.fromArray(S, xHat, off + j)
                    .fma(FloatVector.fromArray(S, gamma, at + j), FloatVector.fromArray(S, beta, at + j))
                    .intoArray(y, off + j);
        }
        for (; j < len; j++) {
            y[off + j] = Math.fma(xHat[off + j], gamma[at + j], beta[at + j]);
        }
    }

    @Override
    public void gradientSumColumns(
            float[] dY, float[] xHat, int off, int len, float[] sumDy, float[] sumDyXHat, int at) {
        int j = 0;
        for (int bound = S.loopBound(len); j < bound; j += L) {
            FloatVector d = FloatVector.fromArray(S, dY, off + j);
            FloatVector.fromArray(S, sumDy, at + j).add(d).intoArray(sumDy, at + j);
            d.fma(FloatVector.fromArray(S, xHat, off + j), FloatVector.fromArray(S, sumDyXHat, at + j))
                    .intoArray(sumDyXHat, at + j);
        }
        for (; j < len; j++) {
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
        int j = 0;
        for (int bound = S.loopBound(len); j < bound; j += L) {
            FloatVector d = FloatVector.fromArray(S, dY, off + j);
            FloatVector h = FloatVector.fromArray(S, xHat, off + j);
            d.fma(
                            FloatVector.fromArray(S, scale, at + j),
                            h.fma(FloatVector.fromArray(S, slope, at + j), FloatVector.fromArray(S, shift, at + j)))
                    .intoArray(dX, off + j);
        }
        for (; j < len; j++) {
            dX[off + j] = Math.fma(dY[off + j], scale[at + j], Math.fma(xHat[off + j], slope[at + j], shift[at + j]));
        }
    }

    @Override
    public void sigmoid(float[] x, float[] y, int from, int to) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
            FloatVector s = ONE.div(exp(FloatVector.fromArray(S, x, i).neg()).add(1f));
            s.blend(0f, s.lt(Float.MIN_NORMAL)).intoArray(y, i);
        }
        for (; i < to; i++) {
            y[i] = PlainSimd.flushSubnormal(1f / (exp(-x[i]) + 1f));
        }
    }

    @Override
    public void sigmoidBackward(float[] dY, float[] sigma, float[] dX, int from, int to) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, sigma, i);
            FloatVector g = FloatVector.fromArray(S, dY, i).mul(v).mul(v.neg().add(1f));
            g.blend(0f, g.abs().lt(Float.MIN_NORMAL)).intoArray(dX, i);
        }
        for (; i < to; i++) {
            dX[i] = PlainSimd.flushSubnormal(dY[i] * sigma[i] * (1 - sigma[i]));
        }
    }

    @Override
    public void relu(float[] x, float[] y, int from, int to) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
            FloatVector.fromArray(S, x, i).max(0f).intoArray(y, i);
        }
        for (; i < to; i++) {
            y[i] = Math.max(x[i], 0f);
        }
    }

    @Override
    public void reluBackward(float[] dY, float[] x, float[] dX, int from, int to) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            FloatVector.fromArray(S, dY, i)
                    .blend(0f, v.compare(VectorOperators.LE, 0f))
                    .intoArray(dX, i);
        }
        for (; i < to; i++) {
            dX[i] = x[i] > 0 ? dY[i] : 0f;
        }
    }

    /** dst[dstOff, +len) = src[srcOff, +len), vector by vector: short rows copy faster than with arraycopy. */
    private static void copy(float[] src, int srcOff, float[] dst, int dstOff, int len) {
        int i = 0;
        for (; i + L <= len; i += L) {
            FloatVector.fromArray(S, src, srcOff + i).intoArray(dst, dstOff + i);
        }
        for (; i < len; i++) {
            dst[dstOff + i] = src[srcOff + i];
        }
    }

    /**
     * Rows of L/2 floats (LeNet's 8 on 512-bit vectors) are not copied half a vector at a time:
     * two rows are joined into one vector from two loads (the first reads past its row, the
     * second starts before its row, both inside the block).
     */
    @Override
    public void copyRows(float[] src, int srcOff, int stride, int rows, int cols, float[] dst, int dstOff) {
        if (cols == L) { // LeNet's rows of 8 on 256-bit vectors: one load and one store a row, no inner loop
            for (int r = 0; r < rows; r++) {
                FloatVector.fromArray(S, src, srcOff + r * stride).intoArray(dst, dstOff + r * L);
            }
            return;
        }
        int half = L / 2;
        int whole = cols - cols % L;
        if (cols % L == half && stride >= cols) {
            int r = 0;
            for (; r + 2 <= rows; r += 2) {
                int a = srcOff + r * stride;
                int b = a + stride;
                int d = dstOff + r * cols;
                for (int j = 0; j < whole; j += L) {
                    FloatVector.fromArray(S, src, a + j).intoArray(dst, d + j);
                }
                FloatVector.fromArray(S, src, a + whole)
                        .blend(FloatVector.fromArray(S, src, b - half), UPPER_HALF)
                        .intoArray(dst, d + whole);
                for (int j = 0; j < whole; j += L) {
                    FloatVector.fromArray(S, src, b + half + j).intoArray(dst, d + whole + L + j);
                }
            }
            if (r < rows) {
                copy(src, srcOff + r * stride, dst, dstOff + r * cols, cols);
            }
            return;
        }
        for (int r = 0; r < rows; r++) {
            copy(src, srcOff + r * stride, dst, dstOff + r * cols, cols);
        }
    }

    @Override
    public void sumShifted(float[] src, int[] offsets, float[] dst, int dstOff, int len) {
        int t = 0;
        for (; t + L <= len; t += L) {
            FloatVector acc = FloatVector.zero(S);
            for (int off : offsets) {
                acc = acc.add(FloatVector.fromArray(S, src, off + t));
            }
            acc.intoArray(dst, dstOff + t);
        }
        for (; t < len; t++) {
            float acc = 0f;
            for (int off : offsets) {
                acc += src[off + t];
            }
            dst[dstOff + t] = acc;
        }
    }
}
