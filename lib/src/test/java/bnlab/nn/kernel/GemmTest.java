package bnlab.nn.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnlab.Tolerances;
import java.util.SplittableRandom;
import java.util.function.IntBinaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The matrix products of both implementations ({@link VectorGemm}, {@link PlainGemm}, through
 * {@link VectorSimd} and {@link PlainSimd}, which hand them the arguments as given) against
 * their definition summed in double: C = A·B (A read plain or transposed) and C = A·Bᵀ, written or
 * added, with offsets and row strides wider than the rows, on shapes that leave every kind of
 * edge of the register blocks (rows not a multiple of six, columns short of a vector, one column,
 * long products). The floats of C around the product must stay as they were. {@code SimdTest}
 * checks that the two give the same bits; this test checks that the bits are the product.
 */
class GemmTest {

    private static final int[][] SHAPES = {
        {1, 1, 1},
        {7, 13, 5},
        {6, 16, 25},
        {13, 8, 3},
        {33, 17, 9},
        {16, 150, 64},
        {150, 16, 64},
        {6, 576, 25},
        {5, 300, 31},
        {40, 1, 100},
        {1, 40, 7},
        {64, 120, 256}
    };

    /** {@link Simd#nn} and {@link Simd#nt} of each implementation are these classes' products, called as they are. */
    private static final Simd[] BOTH = {new VectorSimd(), new PlainSimd()};

    private static float[] random(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (4 * r.nextDouble() - 2);
        }
        return v;
    }

    /**
     * Asserts that C holds the product (plus C's old values when {@code add}) to float rounding,
     * relative to the size of the terms summed, and that nothing outside C's (m, n) block changed.
     */
    private static void assertProduct(
            float[] before,
            float[] after,
            int cOff,
            int ldc,
            int m,
            int n,
            double[][] exact,
            double[][] size,
            boolean add,
            String what) {
        boolean[] inside = new boolean[before.length];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int at = cOff + i * ldc + j;
                inside[at] = true;
                double expected = exact[i][j] + (add ? before[at] : 0);
                double tolerance = Tolerances.FLOAT_SUM * (1 + size[i][j] + (add ? Math.abs(before[at]) : 0));
                assertTrue(
                        Math.abs(after[at] - expected) <= tolerance,
                        what + ": C[" + i + ", " + j + "] = " + after[at] + ", the product is " + expected);
            }
        }
        for (int at = 0; at < before.length; at++) {
            if (!inside[at]) {
                assertEquals(before[at], after[at], 0f, what + ": float " + at + " outside C was written");
            }
        }
    }

    /** Where C starts in its array: the product must leave the floats before it alone. */
    private static final int C_OFF = 4;

    /** The product under test, writing C at {@link #C_OFF} with row stride {@code ldc}. */
    private interface Product {
        void into(float[] c, int ldc, boolean add);
    }

    /**
     * Checks C[i, j] = Σ_k a[aAt(i, k)]·b[bAt(k, j)], written and added (row stride of C wider
     * than n), against the definition in double.
     */
    private static void check(
            String what,
            int m,
            int n,
            int depth,
            float[] a,
            IntBinaryOperator aAt,
            float[] b,
            IntBinaryOperator bAt,
            Product product) {
        double[][] exact = new double[m][n];
        double[][] size = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < depth; k++) {
                    double t = (double) a[aAt.applyAsInt(i, k)] * b[bAt.applyAsInt(k, j)];
                    exact[i][j] += t;
                    size[i][j] += Math.abs(t);
                }
            }
        }
        for (boolean add : new boolean[] {false, true}) {
            int ldc = n + 5;
            float[] c = random(3, C_OFF + m * ldc + 6);
            float[] before = c.clone();
            product.into(c, ldc, add);
            assertProduct(
                    before,
                    c,
                    C_OFF,
                    ldc,
                    m,
                    n,
                    exact,
                    size,
                    add,
                    what + " " + m + "x" + n + "x" + depth + (add ? ", added" : ""));
        }
    }

    /** C = A·B with A plain (row stride depth + 2) or transposed (A stored depth × m), B with row stride n + 3. */
    @Test
    void matrixProductsAreTheProduct() {
        for (Simd gemm : BOTH) {
            for (int[] mnk : SHAPES) {
                int m = mnk[0];
                int n = mnk[1];
                int depth = mnk[2];
                float[] a = random(1, 3 + m * (depth + 2) + depth * (m + 1));
                float[] b = random(2, 2 + depth * (n + 3));
                for (boolean transposed : new boolean[] {false, true}) {
                    int aRow = transposed ? 1 : depth + 2;
                    int aCol = transposed ? m + 1 : 1;
                    check(
                            gemm.describe() + " nn" + (transposed ? ", A transposed," : ""),
                            m,
                            n,
                            depth,
                            a,
                            (i, k) -> 3 + i * aRow + k * aCol,
                            b,
                            (k, j) -> 2 + k * (n + 3) + j,
                            (c, ldc, add) -> gemm.nn(m, n, depth, a, 3, aRow, aCol, b, 2, n + 3, c, C_OFF, ldc, add));
                }
            }
        }
    }

    /** C = A·Bᵀ: dot products of the rows of A (stride depth + 1) and of B (stride depth + 4). */
    @Test
    void dotProductsOfRowsAreTheProduct() {
        for (Simd gemm : BOTH) {
            for (int[] mnk : SHAPES) {
                int m = mnk[0];
                int n = mnk[1];
                int depth = mnk[2];
                float[] a = random(4, 1 + m * (depth + 1));
                float[] b = random(5, 3 + n * (depth + 4));
                check(
                        gemm.describe() + " nt",
                        m,
                        n,
                        depth,
                        a,
                        (i, k) -> 1 + i * (depth + 1) + k,
                        b,
                        (k, j) -> 3 + j * (depth + 4) + k,
                        (c, ldc, add) -> gemm.nt(m, n, depth, a, 1, depth + 1, b, 3, depth + 4, c, C_OFF, ldc, add));
            }
        }
    }

    /** A 2×2 case by hand: [[1, 2], [3, 4]]·[[5, 6], [7, 8]] = [[19, 22], [43, 50]]; times its transpose [[17, 23], [39, 53]]. */
    @Test
    void aProductByHand() {
        float[] a = {1, 2, 3, 4};
        float[] b = {5, 6, 7, 8};
        for (Simd gemm : BOTH) {
            float[] c = new float[4];
            gemm.nn(2, 2, 2, a, 0, 2, 1, b, 0, 2, c, 0, 2, false);
            assertEquals(
                    java.util.List.of(19f, 22f, 43f, 50f),
                    java.util.List.of(c[0], c[1], c[2], c[3]),
                    gemm.describe() + " A·B");
            gemm.nt(2, 2, 2, a, 0, 2, b, 0, 2, c, 0, 2, false);
            assertEquals(
                    java.util.List.of(17f, 23f, 39f, 53f),
                    java.util.List.of(c[0], c[1], c[2], c[3]),
                    gemm.describe() + " A·Bᵀ");
        }
    }
    /**
     * {@link Simd#nnRuns} (a convolution's input gradient into its padded layout) gives the same
     * bits as {@link Simd#nn} on B's runs padded with zeros to the pitch, and leaves the floats of
     * C between the runs alone; with runs one vector long the Vector API takes its own six-row
     * tiles ({@link VectorGemm#nnRuns}), so that length is among those checked (8 floats under
     * {@code -XX:UseAVX=2}, 16 with AVX-512: run this test under both to cover both).
     */
    @Test
    void productsOfRunsAreTheProductsOfThePaddedRows() {
        int lanes = new VectorSimd().lanes();
        for (Simd gemm : BOTH) {
            for (int len : new int[] {lanes, 5}) {
                for (int[] shape : new int[][] {{150, 8, 16}, {13, 3, 7}, {6, 2, 1}, {1, 1, 4}}) {
                    int m = shape[0];
                    int runs = shape[1];
                    int depth = shape[2];
                    int pitch = len + 4;
                    int ldc = runs * pitch + 3;
                    float[] a = random(1, m * depth);
                    float[] b = random(2, 1 + depth * runs * len);
                    float[] padded = new float[depth * runs * pitch];
                    for (int k = 0; k < depth; k++) {
                        for (int q = 0; q < runs; q++) {
                            System.arraycopy(
                                    b, 1 + k * runs * len + q * len, padded, k * runs * pitch + q * pitch, len);
                        }
                    }
                    float[] c = random(3, C_OFF + m * ldc);
                    float[] expected = c.clone();
                    gemm.nn(m, runs * pitch, depth, a, 0, 1, m, padded, 0, runs * pitch, expected, C_OFF, ldc, false);
                    float[] before = c.clone();
                    gemm.nnRuns(m, runs, len, depth, a, 0, 1, m, b, 1, runs * len, c, C_OFF, ldc, pitch);
                    String what = gemm.describe() + " runs of " + len + ", " + m + "x" + runs + "x" + depth;
                    for (int at = 0; at < c.length; at++) {
                        int col = (at - C_OFF) % ldc;
                        boolean inRun = at >= C_OFF && col < runs * pitch && col % pitch < len;
                        assertEquals(inRun ? expected[at] : before[at], c[at], 0f, what + ": float " + at);
                    }
                }
            }
        }
    }
    /**
     * {@link VectorGemm#nn} through panels ({@link VectorGemm#packing}, on by default only on
     * 256-bit vectors) and six rows by four vectors ({@link VectorGemm#quads}, on by default only on
     * 512-bit vectors) give the same bits as two vectors at a time, on this machine's vector width,
     * for products big enough to take that path (LeNet's fully-connected layers) and edges around
     * them; {@link #matrixProductsAreTheProduct} checks the default path against the definition.
     */
    @Test
    void productsThroughPanelsAreTheSameBits() {
        int[][] shapes = {
            {128, 120, 256},
            {60, 256, 256},
            {128, 256, 120},
            {128, 84, 120},
            {42, 120, 256},
            {25, 67, 9},
            {13, 70, 5},
            {6, 64, 3},
            {7, 130, 2}
        };
        boolean before = VectorGemm.packing;
        boolean quadsBefore = VectorGemm.quads;
        try {
            for (int[] mnk : shapes) {
                int m = mnk[0];
                int n = mnk[1];
                int depth = mnk[2];
                float[] a = random(1, 2 + m * (depth + 2));
                float[] at = random(1, 2 + depth * m);
                float[] b = random(2, 2 + depth * (n + 3));
                for (boolean transposed : new boolean[] {false, true}) {
                    for (boolean add : new boolean[] {false, true}) {
                        float[][] c = new float[3][];
                        for (int p = 0; p < 3; p++) {
                            VectorGemm.packing = p == 1;
                            VectorGemm.quads = p == 2;
                            c[p] = random(3, C_OFF + m * (n + 5) + 6);
                            if (transposed) {
                                VectorGemm.nn(m, n, depth, at, 2, 1, m, b, 2, n + 3, c[p], C_OFF, n + 5, add);
                            } else {
                                VectorGemm.nn(m, n, depth, a, 2, depth + 2, 1, b, 2, n + 3, c[p], C_OFF, n + 5, add);
                            }
                        }
                        String what = m + "x" + n + "x" + depth + (transposed ? ", A transposed" : "")
                                + (add ? ", added" : "");
                        for (int at0 = 0; at0 < c[0].length; at0++) {
                            assertEquals(
                                    c[0][at0], c[1][at0], 0f, what + ": float " + at0 + " with and without panels");
                            assertEquals(
                                    c[0][at0], c[2][at0], 0f, what + ": float " + at0 + " six rows by four vectors");
                        }
                    }
                }
            }
        } finally {
            VectorGemm.packing = before;
            VectorGemm.quads = quadsBefore;
        }
    }
    /**
     * {@link Simd#addWeightSums}: the Vector API's tiles (six patch elements by two vectors of
     * output channels, twelve by one) and the plain loops give the same bits, and those are the
     * definition summed in double to float rounding; on 14 patch elements (a tile and single
     * ones) and 64 cells.
     */
    @Test
    void weightSumsStraightFromTheImageAreTheProducts() {
        int lanes = new VectorSimd().lanes();
        for (int out : new int[] {lanes, 2 * lanes}) {
            weightSumsAreTheProducts(out);
        }
    }

    private static void weightSumsAreTheProducts(int out) {
        int[] rows = {0, 1, 2, 12, 13, 14, 144, 157, 3, 4, 15, 16, 17, 100};
        int[] cells = new int[64];
        for (int t = 0; t < 64; t++) {
            cells[t] = (t / 8) * 12 + t % 8;
        }
        float[] x = random(1, 3 + 300);
        float[] dyT = random(2, 64 * out);
        float[][] acc = new float[2][];
        for (int v = 0; v < 2; v++) {
            acc[v] = random(3, rows.length * out);
            BOTH[v].addWeightSums(x, 3, rows, cells, dyT, out, acc[v]);
        }
        float[] start = random(3, rows.length * out);
        for (int r = 0; r < rows.length; r++) {
            for (int o = 0; o < out; o++) {
                double exact = start[r * out + o];
                double size = Math.abs(exact);
                for (int t = 0; t < 64; t++) {
                    double term = (double) x[3 + rows[r] + cells[t]] * dyT[t * out + o];
                    exact += term;
                    size += Math.abs(term);
                }
                String what = out + " channels, patch element " + r + ", channel " + o;
                assertEquals(acc[1][r * out + o], acc[0][r * out + o], 0f, what + ": Vector API and plain loops");
                assertTrue(Math.abs(acc[0][r * out + o] - exact) <= Tolerances.FLOAT_SUM * (1 + size), what);
            }
        }
    }

    /**
     * {@link Simd#convForward} and {@link Simd#convForwardImages}: the Vector API's tiles (6 or 4
     * rows by 4 vectors on 512-bit vectors, 6 and 4 rows by 2 on 256-bit ones, single rows and
     * vectors for the rest) and the plain loops (several images side by side, a last group short)
     * give the same bits as the sums written here in the order of im2col and {@link Simd#nn} with
     * fused multiply-adds onto the bias, and that is the convolution to float rounding; the floats
     * of y around the images' outputs stay as they were. Shapes: LeNet's two convolutions, one and
     * two vectors of output channels, channel counts that leave rows over, odd output heights,
     * outputs that are not a whole number of vectors (Simd's loops), output rows of 7, 8, 12, 16
     * and 24, images of an odd number of rows, one input channel, 2×2, 3×3 and 4×4 windows.
     */
    @Test
    void convolutionsStraightFromTheImageAreTheLoops() {
        int lanes = new VectorSimd().lanes();
        int[][] shapes = { // in, h, width, k, out
            {6, 12, 12, 5, 16},
            {6, 12, 12, 5, lanes},
            {6, 12, 12, 5, 2 * lanes},
            {6, 12, 12, 5, 7},
            {6, 12, 12, 5, 23},
            {2, 11, 12, 5, 9},
            {1, 6, 12, 5, 5},
            {1, 10, 10, 3, 17},
            {3, 4, 10, 3, 3},
            {1, 28, 28, 5, 6},
            {2, 10, 9, 3, 7},
            {1, 6, 20, 5, 13},
            {2, 11, 11, 4, 5},
            {3, 9, 13, 2, 11},
        };
        for (int[] sh : shapes) {
            int in = sh[0], h = sh[1], width = sh[2], k = sh[3], out = sh[4];
            int oh = h - k + 1;
            int ow = width - k + 1;
            int plane = in * h * width;
            int outs = out * oh * ow;
            int images = 5;
            float[] x = random(1, images * plane + 5);
            float[] w = random(2, out * in * k * k);
            float[] b = random(3, out);
            float[] before = random(4, images * outs + 7);
            float[] expected = before.clone();
            String what = "conv " + in + "x" + h + "x" + width + " k=" + k + " -> " + out;
            for (int e = 0; e < images; e++) {
                for (int o = 0; o < out; o++) {
                    for (int t = 0; t < oh * ow; t++) {
                        float sum = b[o];
                        double exact = b[o];
                        double size = Math.abs(exact);
                        for (int c = 0, r = 0; c < in; c++) {
                            for (int ki = 0; ki < k; ki++) {
                                for (int kj = 0; kj < k; kj++, r++) {
                                    float wr = w[o * in * k * k + r];
                                    float xr = x[5 + e * plane + (c * h + t / ow + ki) * width + t % ow + kj];
                                    sum = Math.fma(wr, xr, sum);
                                    exact += (double) wr * xr;
                                    size += Math.abs((double) wr * xr);
                                }
                            }
                        }
                        expected[3 + e * outs + o * oh * ow + t] = sum;
                        assertTrue(
                                Math.abs(sum - exact) <= Tolerances.FLOAT_SUM * (1 + size),
                                what + ", " + e + ", " + o + ", " + t);
                    }
                }
            }
            for (Simd simd : BOTH) {
                float[] one = before.clone();
                for (int e = 0; e < images; e++) {
                    simd.convForward(x, 5 + e * plane, in, h, width, k, out, w, b, one, 3 + e * outs);
                }
                float[] all = before.clone();
                simd.convForwardImages(x, 5, images, in, h, width, k, out, w, b, all, 3);
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(expected[i], one[i], 0f, what + ", float " + i + ", " + simd.describe());
                    assertEquals(
                            expected[i], all[i], 0f, what + ", float " + i + ", " + simd.describe() + ", all images");
                }
            }
        }
    }

    /**
     * {@link Simd#addConvWeightSums}: the Vector API reading B's rows from its copies of the image
     * adds the same bits to the sums as im2col's matrix and {@link Simd.ProductSums#add}, over two
     * images; on LeNet's first convolution, output channel counts that leave rows and columns of
     * the sums' blocks over, rows of 8, 16 and 24, and shapes the copies do not serve.
     */
    @Test
    void convolutionWeightSumsFromTheImageAreIm2colsSums() {
        VectorSimd simd = new VectorSimd();
        int[][] shapes = { // in, h, width, k, out
            {1, 28, 28, 5, 6},
            {1, 28, 28, 5, 7},
            {2, 12, 12, 5, 3},
            {2, 6, 20, 5, 5},
            {1, 10, 28, 5, 1},
            {3, 9, 13, 2, 4},
            {2, 11, 12, 5, 2}
        };
        for (int[] sh : shapes) {
            int in = sh[0], h = sh[1], width = sh[2], k = sh[3], out = sh[4];
            int oh = h - k + 1;
            int ow = width - k + 1;
            int p = oh * ow;
            int patch = in * k * k;
            int plane = in * h * width;
            float[] x = random(1, 2 * plane + 5);
            float[] dY = random(2, 2 * out * p + 3);
            float[][] dw = new float[2][];
            for (int v = 0; v < 2; v++) {
                Simd.ProductSums sums = simd.productSums(out, patch, p);
                float[] cols = new float[patch * p];
                for (int e = 0; e < 2; e++) {
                    if (v == 0) {
                        simd.addConvWeightSums(sums, x, 5 + e * plane, in, h, width, k, dY, 3 + e * out * p, cols);
                    } else {
                        for (int c = 0, r = 0; c < in; c++) {
                            for (int ki = 0; ki < k; ki++) {
                                for (int kj = 0; kj < k; kj++, r++) {
                                    for (int t = 0; t < p; t++) {
                                        cols[r * p + t] =
                                                x[5 + e * plane + (c * h + t / ow + ki) * width + t % ow + kj];
                                    }
                                }
                            }
                        }
                        sums.add(dY, 3 + e * out * p, p, cols, 0, p);
                    }
                }
                dw[v] = random(6, out * patch);
                sums.addTo(dw[v], 0, patch);
            }
            for (int i = 0; i < out * patch; i++) {
                assertEquals(
                        dw[1][i],
                        dw[0][i],
                        0f,
                        "conv " + in + "x" + h + "x" + width + " k=" + k + " -> " + out + ", " + i);
            }
        }
    }
}
