package bnlab.nn.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Simd}'s matrix products with the Vector API, on heap {@code float[]}. A matrix is an
 * array, an offset and a row stride; results are written (or, with {@code add}, added) into C.
 * <ul>
 *   <li>{@link #nn}: C[i, j] = Σ_k A(i, k)·B[k, j], vectorized along the rows of B and C, four
 *       rows of C at a time. A is read through two strides, so a transposed A costs nothing.</li>
 *   <li>{@link #nt}: C[i, j] = Σ_k A[i, k]·B[j, k], dot products of rows, two rows of A against
 *       four rows of B at a time, with one vector accumulator per pair.</li>
 * </ul>
 */
final class VectorGemm {

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    private VectorGemm() {}

    /**
     * C[i, j] (+)= Σ_k A(i, k)·B[k, j] for i &lt; m, j &lt; n, k &lt; depth, where
     * A(i, k) = a[aOff + i·aRow + k·aCol], B[k, j] = b[bOff + k·ldb + j], C[i, j] = c[cOff + i·ldc + j].
     * On 512-bit vectors columns first go four vectors at a time, six rows at a time ({@link #quads});
     * then two vectors at a time (rows six, four, two, one at a time), then one vector
     * (rows eight, four, one at a time), then one by one.
     */
    static void nn(
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
        if (quads && n >= 4 * L && m >= 6) {
            // Six rows by four vectors where AVX-512's 32 registers hold them: 24 multiply-adds per
            // ten loads instead of twelve per eight (LeNet's Linear(256, 120) products).
            int q = n - n % (4 * L);
            int i = 0;
            for (; i + 6 <= m; i += 6) {
                for (int j = 0; j < q; j += 4 * L) {
                    quad6(depth, a, aOff + i * aRow, aRow, aCol, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc, add);
                }
            }
            if (i < m) {
                pairs(m - i, q, depth, a, aOff + i * aRow, aRow, aCol, b, bOff, ldb, c, cOff + i * ldc, ldc, add);
            }
            if (q < n) {
                pairs(m, n - q, depth, a, aOff, aRow, aCol, b, bOff + q, ldb, c, cOff + q, ldc, add);
            }
            return;
        }
        pairs(m, n, depth, a, aOff, aRow, aCol, b, bOff, ldb, c, cOff, ldc, add);
    }

    /**
     * Whether {@link #nn} goes six rows by four vectors where it can (on by default on 512-bit
     * vectors; tests set it both ways to compare: the same sums in the same order).
     */
    static boolean quads = L == 16;

    /** {@link #nn} two vectors of columns at a time (the rows six, four, two, one at a time), and the rest. */
    private static void pairs(
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
        int wide = n - n % (2 * L);
        int i = 0;
        if (packing && m >= 24 && wide >= 4 * L) {
            i = packed(m, wide, depth, a, aOff, aRow, aCol, b, bOff, ldb, c, cOff, ldc, add);
        }
        for (; i + 6 <= m; i += 6) {
            wide6(wide, depth, a, aOff + i * aRow, aRow, aCol, b, bOff, ldb, c, cOff + i * ldc, ldc, add);
        }
        for (; i + 4 <= m; i += 4) {
            wide4(wide, depth, a, aOff + i * aRow, aRow, aCol, b, bOff, ldb, c, cOff + i * ldc, ldc, add);
        }
        for (; i + 2 <= m; i += 2) {
            wide2(wide, depth, a, aOff + i * aRow, aRow, aCol, b, bOff, ldb, c, cOff + i * ldc, ldc, add);
        }
        for (; i < m; i++) {
            wide2(wide, depth, a, aOff + i * aRow, 0, aCol, b, bOff, ldb, c, cOff + i * ldc, 0, add);
        }
        int j = wide;
        if (n - j >= L) {
            i = 0;
            for (; i + 8 <= m; i += 8) {
                narrow8(depth, a, aOff + i * aRow, aRow, aCol, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc, add);
            }
            for (; i < m; i++) {
                narrow1(depth, a, aOff + i * aRow, aCol, b, bOff + j, ldb, c, cOff + i * ldc + j, add);
            }
            j += L;
        }
        if (j < n && m >= 4) {
            paddedTail(m, n - j, depth, a, aOff, aRow, aCol, b, bOff + j, ldb, c, cOff + j, ldc, add);
            return;
        }
        for (i = 0; j < n && i < m; i++) {
            scalarTail(j, n, depth, a, aOff + i * aRow, aCol, b, bOff, ldb, c, cOff + i * ldc, add);
        }
    }

    /**
     * A convolution's forward product whose B rows are found through a table:
     * C[i, q·L + l] = bias[i] + Σ_k a[i·depth + k]·src[srcOff + rowAt[k] + q·step + l] for i &lt; m,
     * q &lt; vectors, summed in the order of k onto bias[i] ({@link #nn}'s sums with {@code add} onto
     * C filled with the bias: the same bits). Four rows by four vectors at a time on 512-bit
     * vectors (LeNet's 16 channels by 64 positions in four tiles: two FMAs per load, where six rows
     * by two vectors left four rows over), six then four rows by two vectors on 256-bit ones (what
     * fits in sixteen registers), the rest one row by one vector.
     */
    static void convProduct(
            int m,
            int vectors,
            int depth,
            float[] a,
            float[] bias,
            float[] src,
            int srcOff,
            int[] rowAt,
            int step,
            float[] c,
            int cOff,
            int ldc) {
        int i = 0;
        int q = 0;
        if (L == 16) {
            q = vectors - vectors % 4;
            for (; i + 6 <= m; i += 6) {
                for (int j = 0; j < q; j += 4) {
                    conv6x4(
                            depth,
                            a,
                            i * depth,
                            bias,
                            i,
                            src,
                            srcOff + j * step,
                            rowAt,
                            step,
                            c,
                            cOff + i * ldc + j * L,
                            ldc);
                }
            }
            for (; i + 4 <= m; i += 4) {
                for (int j = 0; j < q; j += 4) {
                    conv4x4(
                            depth,
                            a,
                            i * depth,
                            bias,
                            i,
                            src,
                            srcOff + j * step,
                            rowAt,
                            step,
                            c,
                            cOff + i * ldc + j * L,
                            ldc);
                }
            }
        } else {
            q = vectors - vectors % 2;
            for (; i + 6 <= m; i += 6) {
                for (int j = 0; j < q; j += 2) {
                    conv6x2(
                            depth,
                            a,
                            i * depth,
                            bias,
                            i,
                            src,
                            srcOff + j * step,
                            rowAt,
                            step,
                            c,
                            cOff + i * ldc + j * L,
                            ldc);
                }
            }
            for (; i + 4 <= m; i += 4) {
                for (int j = 0; j < q; j += 2) {
                    conv4x2(
                            depth,
                            a,
                            i * depth,
                            bias,
                            i,
                            src,
                            srcOff + j * step,
                            rowAt,
                            step,
                            c,
                            cOff + i * ldc + j * L,
                            ldc);
                }
            }
        }
        // The rest: rows [0, i) beyond column vector q, then rows [i, m) entirely.
        for (int r = 0; r < m; r++) {
            for (int j = r < i ? q : 0; j < vectors; j++) {
                conv1x1(depth, a, r * depth, bias[r], src, srcOff + j * step, rowAt, c, cOff + r * ldc + j * L);
            }
        }
    }

    /** Six rows of C by four vectors (columns [0, 4L) from cOff), each element summed as {@link #wide6} sums it. */
    private static void quad6(
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
        int a1 = aOff + aRow;
        int a2 = a1 + aRow;
        int a3 = a2 + aRow;
        int a4 = a3 + aRow;
        int a5 = a4 + aRow;
        int c1 = cOff + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        int c4 = c3 + ldc;
        int c5 = c4 + ldc;
        FloatVector s00 = start(c, cOff, add), s01 = start(c, cOff + L, add);
        FloatVector s02 = start(c, cOff + 2 * L, add), s03 = start(c, cOff + 3 * L, add);
        FloatVector s10 = start(c, c1, add), s11 = start(c, c1 + L, add);
        FloatVector s12 = start(c, c1 + 2 * L, add), s13 = start(c, c1 + 3 * L, add);
        FloatVector s20 = start(c, c2, add), s21 = start(c, c2 + L, add);
        FloatVector s22 = start(c, c2 + 2 * L, add), s23 = start(c, c2 + 3 * L, add);
        FloatVector s30 = start(c, c3, add), s31 = start(c, c3 + L, add);
        FloatVector s32 = start(c, c3 + 2 * L, add), s33 = start(c, c3 + 3 * L, add);
        FloatVector s40 = start(c, c4, add), s41 = start(c, c4 + L, add);
        FloatVector s42 = start(c, c4 + 2 * L, add), s43 = start(c, c4 + 3 * L, add);
        FloatVector s50 = start(c, c5, add), s51 = start(c, c5 + L, add);
        FloatVector s52 = start(c, c5 + 2 * L, add), s53 = start(c, c5 + 3 * L, add);
        for (int k = 0; k < depth; k++) {
            int bk = bOff + k * ldb;
            FloatVector b0 = FloatVector.fromArray(S, b, bk);
            FloatVector b1 = FloatVector.fromArray(S, b, bk + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bk + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bk + 3 * L);
            FloatVector x = FloatVector.broadcast(S, a[aOff + k * aCol]);
            s00 = x.fma(b0, s00);
            s01 = x.fma(b1, s01);
            s02 = x.fma(b2, s02);
            s03 = x.fma(b3, s03);
            x = FloatVector.broadcast(S, a[a1 + k * aCol]);
            s10 = x.fma(b0, s10);
            s11 = x.fma(b1, s11);
            s12 = x.fma(b2, s12);
            s13 = x.fma(b3, s13);
            x = FloatVector.broadcast(S, a[a2 + k * aCol]);
            s20 = x.fma(b0, s20);
            s21 = x.fma(b1, s21);
            s22 = x.fma(b2, s22);
            s23 = x.fma(b3, s23);
            x = FloatVector.broadcast(S, a[a3 + k * aCol]);
            s30 = x.fma(b0, s30);
            s31 = x.fma(b1, s31);
            s32 = x.fma(b2, s32);
            s33 = x.fma(b3, s33);
            x = FloatVector.broadcast(S, a[a4 + k * aCol]);
            s40 = x.fma(b0, s40);
            s41 = x.fma(b1, s41);
            s42 = x.fma(b2, s42);
            s43 = x.fma(b3, s43);
            x = FloatVector.broadcast(S, a[a5 + k * aCol]);
            s50 = x.fma(b0, s50);
            s51 = x.fma(b1, s51);
            s52 = x.fma(b2, s52);
            s53 = x.fma(b3, s53);
        }
        s00.intoArray(c, cOff);
        s01.intoArray(c, cOff + L);
        s02.intoArray(c, cOff + 2 * L);
        s03.intoArray(c, cOff + 3 * L);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + L);
        s12.intoArray(c, c1 + 2 * L);
        s13.intoArray(c, c1 + 3 * L);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + L);
        s22.intoArray(c, c2 + 2 * L);
        s23.intoArray(c, c2 + 3 * L);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + L);
        s32.intoArray(c, c3 + 2 * L);
        s33.intoArray(c, c3 + 3 * L);
        s40.intoArray(c, c4);
        s41.intoArray(c, c4 + L);
        s42.intoArray(c, c4 + 2 * L);
        s43.intoArray(c, c4 + 3 * L);
        s50.intoArray(c, c5);
        s51.intoArray(c, c5 + L);
        s52.intoArray(c, c5 + 2 * L);
        s53.intoArray(c, c5 + 3 * L);
    }

    /** Six rows by four vectors: 24 accumulators, four B vectors and a broadcast in AVX-512's 32 registers. */
    private static void conv6x4(
            int depth,
            float[] a,
            int aOff,
            float[] bias,
            int o,
            float[] src,
            int srcOff,
            int[] rowAt,
            int step,
            float[] c,
            int cOff,
            int ldc) {
        int a1 = aOff + depth;
        int a2 = a1 + depth;
        int a3 = a2 + depth;
        int a4 = a3 + depth;
        int a5 = a4 + depth;
        int q1 = srcOff + step;
        int q2 = q1 + step;
        int q3 = q2 + step;
        FloatVector s00 = FloatVector.broadcast(S, bias[o]), s01 = s00, s02 = s00, s03 = s00;
        FloatVector s10 = FloatVector.broadcast(S, bias[o + 1]), s11 = s10, s12 = s10, s13 = s10;
        FloatVector s20 = FloatVector.broadcast(S, bias[o + 2]), s21 = s20, s22 = s20, s23 = s20;
        FloatVector s30 = FloatVector.broadcast(S, bias[o + 3]), s31 = s30, s32 = s30, s33 = s30;
        FloatVector s40 = FloatVector.broadcast(S, bias[o + 4]), s41 = s40, s42 = s40, s43 = s40;
        FloatVector s50 = FloatVector.broadcast(S, bias[o + 5]), s51 = s50, s52 = s50, s53 = s50;
        for (int k = 0; k < depth; k++) {
            int at = rowAt[k];
            FloatVector b0 = FloatVector.fromArray(S, src, srcOff + at);
            FloatVector b1 = FloatVector.fromArray(S, src, q1 + at);
            FloatVector b2 = FloatVector.fromArray(S, src, q2 + at);
            FloatVector b3 = FloatVector.fromArray(S, src, q3 + at);
            FloatVector x = FloatVector.broadcast(S, a[aOff + k]);
            s00 = x.fma(b0, s00);
            s01 = x.fma(b1, s01);
            s02 = x.fma(b2, s02);
            s03 = x.fma(b3, s03);
            x = FloatVector.broadcast(S, a[a1 + k]);
            s10 = x.fma(b0, s10);
            s11 = x.fma(b1, s11);
            s12 = x.fma(b2, s12);
            s13 = x.fma(b3, s13);
            x = FloatVector.broadcast(S, a[a2 + k]);
            s20 = x.fma(b0, s20);
            s21 = x.fma(b1, s21);
            s22 = x.fma(b2, s22);
            s23 = x.fma(b3, s23);
            x = FloatVector.broadcast(S, a[a3 + k]);
            s30 = x.fma(b0, s30);
            s31 = x.fma(b1, s31);
            s32 = x.fma(b2, s32);
            s33 = x.fma(b3, s33);
            x = FloatVector.broadcast(S, a[a4 + k]);
            s40 = x.fma(b0, s40);
            s41 = x.fma(b1, s41);
            s42 = x.fma(b2, s42);
            s43 = x.fma(b3, s43);
            x = FloatVector.broadcast(S, a[a5 + k]);
            s50 = x.fma(b0, s50);
            s51 = x.fma(b1, s51);
            s52 = x.fma(b2, s52);
            s53 = x.fma(b3, s53);
        }
        int c1 = cOff + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        int c4 = c3 + ldc;
        int c5 = c4 + ldc;
        s00.intoArray(c, cOff);
        s01.intoArray(c, cOff + L);
        s02.intoArray(c, cOff + 2 * L);
        s03.intoArray(c, cOff + 3 * L);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + L);
        s12.intoArray(c, c1 + 2 * L);
        s13.intoArray(c, c1 + 3 * L);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + L);
        s22.intoArray(c, c2 + 2 * L);
        s23.intoArray(c, c2 + 3 * L);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + L);
        s32.intoArray(c, c3 + 2 * L);
        s33.intoArray(c, c3 + 3 * L);
        s40.intoArray(c, c4);
        s41.intoArray(c, c4 + L);
        s42.intoArray(c, c4 + 2 * L);
        s43.intoArray(c, c4 + 3 * L);
        s50.intoArray(c, c5);
        s51.intoArray(c, c5 + L);
        s52.intoArray(c, c5 + 2 * L);
        s53.intoArray(c, c5 + 3 * L);
    }

    private static void conv4x4(
            int depth,
            float[] a,
            int aOff,
            float[] bias,
            int o,
            float[] src,
            int srcOff,
            int[] rowAt,
            int step,
            float[] c,
            int cOff,
            int ldc) {
        int a1 = aOff + depth;
        int a2 = a1 + depth;
        int a3 = a2 + depth;
        int q1 = srcOff + step;
        int q2 = q1 + step;
        int q3 = q2 + step;
        FloatVector s00 = FloatVector.broadcast(S, bias[o]), s01 = s00, s02 = s00, s03 = s00;
        FloatVector s10 = FloatVector.broadcast(S, bias[o + 1]), s11 = s10, s12 = s10, s13 = s10;
        FloatVector s20 = FloatVector.broadcast(S, bias[o + 2]), s21 = s20, s22 = s20, s23 = s20;
        FloatVector s30 = FloatVector.broadcast(S, bias[o + 3]), s31 = s30, s32 = s30, s33 = s30;
        for (int k = 0; k < depth; k++) {
            int at = rowAt[k];
            FloatVector b0 = FloatVector.fromArray(S, src, srcOff + at);
            FloatVector b1 = FloatVector.fromArray(S, src, q1 + at);
            FloatVector b2 = FloatVector.fromArray(S, src, q2 + at);
            FloatVector b3 = FloatVector.fromArray(S, src, q3 + at);
            FloatVector x = FloatVector.broadcast(S, a[aOff + k]);
            s00 = x.fma(b0, s00);
            s01 = x.fma(b1, s01);
            s02 = x.fma(b2, s02);
            s03 = x.fma(b3, s03);
            x = FloatVector.broadcast(S, a[a1 + k]);
            s10 = x.fma(b0, s10);
            s11 = x.fma(b1, s11);
            s12 = x.fma(b2, s12);
            s13 = x.fma(b3, s13);
            x = FloatVector.broadcast(S, a[a2 + k]);
            s20 = x.fma(b0, s20);
            s21 = x.fma(b1, s21);
            s22 = x.fma(b2, s22);
            s23 = x.fma(b3, s23);
            x = FloatVector.broadcast(S, a[a3 + k]);
            s30 = x.fma(b0, s30);
            s31 = x.fma(b1, s31);
            s32 = x.fma(b2, s32);
            s33 = x.fma(b3, s33);
        }
        int c1 = cOff + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        s00.intoArray(c, cOff);
        s01.intoArray(c, cOff + L);
        s02.intoArray(c, cOff + 2 * L);
        s03.intoArray(c, cOff + 3 * L);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + L);
        s12.intoArray(c, c1 + 2 * L);
        s13.intoArray(c, c1 + 3 * L);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + L);
        s22.intoArray(c, c2 + 2 * L);
        s23.intoArray(c, c2 + 3 * L);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + L);
        s32.intoArray(c, c3 + 2 * L);
        s33.intoArray(c, c3 + 3 * L);
    }

    private static void conv6x2(
            int depth,
            float[] a,
            int aOff,
            float[] bias,
            int o,
            float[] src,
            int srcOff,
            int[] rowAt,
            int step,
            float[] c,
            int cOff,
            int ldc) {
        int a1 = aOff + depth;
        int a2 = a1 + depth;
        int a3 = a2 + depth;
        int a4 = a3 + depth;
        int a5 = a4 + depth;
        int q1 = srcOff + step;
        FloatVector s00 = FloatVector.broadcast(S, bias[o]), s01 = s00;
        FloatVector s10 = FloatVector.broadcast(S, bias[o + 1]), s11 = s10;
        FloatVector s20 = FloatVector.broadcast(S, bias[o + 2]), s21 = s20;
        FloatVector s30 = FloatVector.broadcast(S, bias[o + 3]), s31 = s30;
        FloatVector s40 = FloatVector.broadcast(S, bias[o + 4]), s41 = s40;
        FloatVector s50 = FloatVector.broadcast(S, bias[o + 5]), s51 = s50;
        for (int k = 0; k < depth; k++) {
            int at = rowAt[k];
            FloatVector b0 = FloatVector.fromArray(S, src, srcOff + at);
            FloatVector b1 = FloatVector.fromArray(S, src, q1 + at);
            FloatVector x = FloatVector.broadcast(S, a[aOff + k]);
            s00 = x.fma(b0, s00);
            s01 = x.fma(b1, s01);
            x = FloatVector.broadcast(S, a[a1 + k]);
            s10 = x.fma(b0, s10);
            s11 = x.fma(b1, s11);
            x = FloatVector.broadcast(S, a[a2 + k]);
            s20 = x.fma(b0, s20);
            s21 = x.fma(b1, s21);
            x = FloatVector.broadcast(S, a[a3 + k]);
            s30 = x.fma(b0, s30);
            s31 = x.fma(b1, s31);
            x = FloatVector.broadcast(S, a[a4 + k]);
            s40 = x.fma(b0, s40);
            s41 = x.fma(b1, s41);
            x = FloatVector.broadcast(S, a[a5 + k]);
            s50 = x.fma(b0, s50);
            s51 = x.fma(b1, s51);
        }
        int c1 = cOff + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        int c4 = c3 + ldc;
        int c5 = c4 + ldc;
        s00.intoArray(c, cOff);
        s01.intoArray(c, cOff + L);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + L);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + L);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + L);
        s40.intoArray(c, c4);
        s41.intoArray(c, c4 + L);
        s50.intoArray(c, c5);
        s51.intoArray(c, c5 + L);
    }

    private static void conv4x2(
            int depth,
            float[] a,
            int aOff,
            float[] bias,
            int o,
            float[] src,
            int srcOff,
            int[] rowAt,
            int step,
            float[] c,
            int cOff,
            int ldc) {
        int a1 = aOff + depth;
        int a2 = a1 + depth;
        int a3 = a2 + depth;
        int q1 = srcOff + step;
        FloatVector s00 = FloatVector.broadcast(S, bias[o]), s01 = s00;
        FloatVector s10 = FloatVector.broadcast(S, bias[o + 1]), s11 = s10;
        FloatVector s20 = FloatVector.broadcast(S, bias[o + 2]), s21 = s20;
        FloatVector s30 = FloatVector.broadcast(S, bias[o + 3]), s31 = s30;
        for (int k = 0; k < depth; k++) {
            int at = rowAt[k];
            FloatVector b0 = FloatVector.fromArray(S, src, srcOff + at);
            FloatVector b1 = FloatVector.fromArray(S, src, q1 + at);
            FloatVector x = FloatVector.broadcast(S, a[aOff + k]);
            s00 = x.fma(b0, s00);
            s01 = x.fma(b1, s01);
            x = FloatVector.broadcast(S, a[a1 + k]);
            s10 = x.fma(b0, s10);
            s11 = x.fma(b1, s11);
            x = FloatVector.broadcast(S, a[a2 + k]);
            s20 = x.fma(b0, s20);
            s21 = x.fma(b1, s21);
            x = FloatVector.broadcast(S, a[a3 + k]);
            s30 = x.fma(b0, s30);
            s31 = x.fma(b1, s31);
        }
        int c1 = cOff + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        s00.intoArray(c, cOff);
        s01.intoArray(c, cOff + L);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + L);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + L);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + L);
    }

    private static void conv1x1(
            int depth, float[] a, int aOff, float bias, float[] src, int srcOff, int[] rowAt, float[] c, int cOff) {
        FloatVector s = FloatVector.broadcast(S, bias);
        for (int k = 0; k < depth; k++) {
            s = FloatVector.broadcast(S, a[aOff + k]).fma(FloatVector.fromArray(S, src, srcOff + rowAt[k]), s);
        }
        s.intoArray(c, cOff);
    }

    /**
     * {@link Simd#nnRuns} for runs of one vector: C's column vector q at cOff + q·pitch, B's at
     * bOff + q·L. Six rows by two runs at a time as {@link #wide6} (the same sums in the same
     * order), the rest through {@link #nn} one run at a time.
     */
    static void nnRuns(
            int m,
            int runs,
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
        int pairs = runs - runs % 2;
        int i = 0;
        for (; i + 6 <= m; i += 6) {
            for (int q = 0; q < pairs; q += 2) {
                runs6(
                        depth,
                        a,
                        aOff + i * aRow,
                        aRow,
                        aCol,
                        b,
                        bOff + q * L,
                        ldb,
                        c,
                        cOff + i * ldc + q * pitch,
                        ldc,
                        pitch);
            }
        }
        for (int q = 0; q < runs; q++) {
            int from = q < pairs ? i : 0;
            if (from < m) {
                nn(
                        m - from,
                        L,
                        depth,
                        a,
                        aOff + from * aRow,
                        aRow,
                        aCol,
                        b,
                        bOff + q * L,
                        ldb,
                        c,
                        cOff + from * ldc + q * pitch,
                        ldc,
                        false);
            }
        }
    }

    /** Six rows of C, two runs (vectors) of columns: the first at cOff, the second at cOff + pitch. */
    private static void runs6(
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
        int a1 = aOff + aRow;
        int a2 = a1 + aRow;
        int a3 = a2 + aRow;
        int a4 = a3 + aRow;
        int a5 = a4 + aRow;
        FloatVector s00 = FloatVector.zero(S), s01 = FloatVector.zero(S);
        FloatVector s10 = FloatVector.zero(S), s11 = FloatVector.zero(S);
        FloatVector s20 = FloatVector.zero(S), s21 = FloatVector.zero(S);
        FloatVector s30 = FloatVector.zero(S), s31 = FloatVector.zero(S);
        FloatVector s40 = FloatVector.zero(S), s41 = FloatVector.zero(S);
        FloatVector s50 = FloatVector.zero(S), s51 = FloatVector.zero(S);
        for (int k = 0; k < depth; k++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bOff + k * ldb);
            FloatVector b1 = FloatVector.fromArray(S, b, bOff + k * ldb + L);
            FloatVector x = FloatVector.broadcast(S, a[aOff + k * aCol]);
            s00 = x.fma(b0, s00);
            s01 = x.fma(b1, s01);
            x = FloatVector.broadcast(S, a[a1 + k * aCol]);
            s10 = x.fma(b0, s10);
            s11 = x.fma(b1, s11);
            x = FloatVector.broadcast(S, a[a2 + k * aCol]);
            s20 = x.fma(b0, s20);
            s21 = x.fma(b1, s21);
            x = FloatVector.broadcast(S, a[a3 + k * aCol]);
            s30 = x.fma(b0, s30);
            s31 = x.fma(b1, s31);
            x = FloatVector.broadcast(S, a[a4 + k * aCol]);
            s40 = x.fma(b0, s40);
            s41 = x.fma(b1, s41);
            x = FloatVector.broadcast(S, a[a5 + k * aCol]);
            s50 = x.fma(b0, s50);
            s51 = x.fma(b1, s51);
        }
        int c1 = cOff + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        int c4 = c3 + ldc;
        int c5 = c4 + ldc;
        s00.intoArray(c, cOff);
        s01.intoArray(c, cOff + pitch);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + pitch);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + pitch);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + pitch);
        s40.intoArray(c, c4);
        s41.intoArray(c, c4 + pitch);
        s50.intoArray(c, c5);
        s51.intoArray(c, c5 + pitch);
    }

    /**
     * Whether {@link #nn} copies A and B into panels first, for products with at least 24 rows
     * and four vectors of columns (tests set it both ways to compare). In the panels the inner loop
     * reads both operands at (loop counter)·constant + invariant, one cache line after the other
     * (likely why, not checked in the machine code: the JIT can hoist bounds checks of such
     * indices): six rows by two vectors, depth 256, data in cache, ran 105 instead of 70 GFLOP/s on 256-bit vectors and 142 instead of 121 on 512-bit ones. The
     * copies pay for themselves on 256-bit vectors (LeNet's Linear(256, 120): forward, weight
     * and input gradients 0.81, 0.69, 0.71 of the time), not on 512-bit ones (1.23, 1.03, 1.05),
     * where a product does half as many vector steps per float copied: on by default only up to
     * 8 lanes. The products are summed in the same order either way: the same bits.
     */
    static boolean packing = L <= 8;

    /** Per thread: B's panels and one panel of A. */
    private static final ThreadLocal<float[][]> PANELS = ThreadLocal.withInitial(() -> new float[2][0]);

    /**
     * The six-row blocks of rows of C, columns [0, wide) (a multiple of 2L), through panels: B's
     * columns j .. j + 2L − 1 as depth rows of 2L floats from j·depth, and A's six rows as depth
     * groups of six floats. Returns the first row not done.
     */
    private static int packed(
            int m,
            int wide,
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
        float[][] panels = PANELS.get();
        float[] bp = panels[0] = Tensor.buffer(panels[0], (long) depth * wide);
        float[] ap = panels[1] = Tensor.buffer(panels[1], 6L * depth);
        for (int j = 0; j < wide; j += 2 * L) {
            for (int k = 0; k < depth; k++) {
                FloatVector.fromArray(S, b, bOff + k * ldb + j).intoArray(bp, j * depth + k * 2 * L);
                FloatVector.fromArray(S, b, bOff + k * ldb + j + L).intoArray(bp, j * depth + k * 2 * L + L);
            }
        }
        int i = 0;
        for (; i + 6 <= m; i += 6) {
            // Step by step: the six values of a step share a cache line when A is transposed.
            int ai = aOff + i * aRow;
            for (int k = 0; k < depth; k++) {
                int ak = ai + k * aCol;
                ap[6 * k] = a[ak];
                ap[6 * k + 1] = a[ak + aRow];
                ap[6 * k + 2] = a[ak + 2 * aRow];
                ap[6 * k + 3] = a[ak + 3 * aRow];
                ap[6 * k + 4] = a[ak + 4 * aRow];
                ap[6 * k + 5] = a[ak + 5 * aRow];
            }
            for (int j = 0; j < wide; j += 2 * L) {
                panel6(depth, ap, bp, j * depth, c, cOff + i * ldc + j, ldc, add);
            }
        }
        return i;
    }

    /** Six rows of C by two vectors from panels: {@link #wide6}'s sums, in its order. */
    private static void panel6(int depth, float[] ap, float[] bp, int bAt, float[] c, int cOff, int ldc, boolean add) {
        int c1 = cOff + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        int c4 = c3 + ldc;
        int c5 = c4 + ldc;
        FloatVector s00 = start(c, cOff, add), s01 = start(c, cOff + L, add);
        FloatVector s10 = start(c, c1, add), s11 = start(c, c1 + L, add);
        FloatVector s20 = start(c, c2, add), s21 = start(c, c2 + L, add);
        FloatVector s30 = start(c, c3, add), s31 = start(c, c3 + L, add);
        FloatVector s40 = start(c, c4, add), s41 = start(c, c4 + L, add);
        FloatVector s50 = start(c, c5, add), s51 = start(c, c5 + L, add);
        for (int k = 0; k < depth; k++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bAt + k * (2 * L));
            FloatVector b1 = FloatVector.fromArray(S, bp, bAt + k * (2 * L) + L);
            FloatVector x = FloatVector.broadcast(S, ap[6 * k]);
            s00 = x.fma(b0, s00);
            s01 = x.fma(b1, s01);
            x = FloatVector.broadcast(S, ap[6 * k + 1]);
            s10 = x.fma(b0, s10);
            s11 = x.fma(b1, s11);
            x = FloatVector.broadcast(S, ap[6 * k + 2]);
            s20 = x.fma(b0, s20);
            s21 = x.fma(b1, s21);
            x = FloatVector.broadcast(S, ap[6 * k + 3]);
            s30 = x.fma(b0, s30);
            s31 = x.fma(b1, s31);
            x = FloatVector.broadcast(S, ap[6 * k + 4]);
            s40 = x.fma(b0, s40);
            s41 = x.fma(b1, s41);
            x = FloatVector.broadcast(S, ap[6 * k + 5]);
            s50 = x.fma(b0, s50);
            s51 = x.fma(b1, s51);
        }
        s00.intoArray(c, cOff);
        s01.intoArray(c, cOff + L);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + L);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + L);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + L);
        s40.intoArray(c, c4);
        s41.intoArray(c, c4 + L);
        s50.intoArray(c, c5);
        s51.intoArray(c, c5 + L);
    }

    /**
     * {@link Simd#addWeightSums} for 2L output channels: six patch elements by two vectors of
     * channels at a time, the image's values broadcast from where the window puts them (one
     * table lookup per position), so no im2col is needed; the rest one element at a time.
     */
    static void weightSums(float[] x, int xOff, int[] rows, int[] cells, float[] dyT, float[] acc) {
        int n = rows.length;
        int r = 0;
        for (; r + 6 <= n; r += 6) {
            weightSums6(x, xOff, rows, r, cells, dyT, acc);
        }
        for (; r < n; r++) {
            int x0 = xOff + rows[r];
            FloatVector s0 = FloatVector.fromArray(S, acc, r * 2 * L);
            FloatVector s1 = FloatVector.fromArray(S, acc, r * 2 * L + L);
            for (int t = 0; t < cells.length; t++) {
                FloatVector v = FloatVector.broadcast(S, x[x0 + cells[t]]);
                s0 = v.fma(FloatVector.fromArray(S, dyT, t * (2 * L)), s0);
                s1 = v.fma(FloatVector.fromArray(S, dyT, t * (2 * L) + L), s1);
            }
            s0.intoArray(acc, r * 2 * L);
            s1.intoArray(acc, r * 2 * L + L);
        }
    }

    /**
     * {@link Simd#addWeightSums} for L output channels: twelve patch elements by one vector of
     * channels at a time, the rest one element at a time.
     */
    static void weightSumsOneVector(float[] x, int xOff, int[] rows, int[] cells, float[] dyT, float[] acc) {
        int n = rows.length;
        int r = 0;
        for (; r + 12 <= n; r += 12) {
            weightSums12(x, xOff, rows, r, cells, dyT, acc);
        }
        for (; r < n; r++) {
            int x0 = xOff + rows[r];
            FloatVector s = FloatVector.fromArray(S, acc, r * L);
            for (int t = 0; t < cells.length; t++) {
                s = FloatVector.broadcast(S, x[x0 + cells[t]]).fma(FloatVector.fromArray(S, dyT, t * L), s);
            }
            s.intoArray(acc, r * L);
        }
    }

    private static void weightSums12(float[] x, int xOff, int[] rows, int r, int[] cells, float[] dyT, float[] acc) {
        int x0 = xOff + rows[r];
        int x1 = xOff + rows[r + 1];
        int x2 = xOff + rows[r + 2];
        int x3 = xOff + rows[r + 3];
        int x4 = xOff + rows[r + 4];
        int x5 = xOff + rows[r + 5];
        int x6 = xOff + rows[r + 6];
        int x7 = xOff + rows[r + 7];
        int x8 = xOff + rows[r + 8];
        int x9 = xOff + rows[r + 9];
        int x10 = xOff + rows[r + 10];
        int x11 = xOff + rows[r + 11];
        int c0 = r * L;
        FloatVector s0 = FloatVector.fromArray(S, acc, c0), s1 = FloatVector.fromArray(S, acc, c0 + L);
        FloatVector s2 = FloatVector.fromArray(S, acc, c0 + 2 * L), s3 = FloatVector.fromArray(S, acc, c0 + 3 * L);
        FloatVector s4 = FloatVector.fromArray(S, acc, c0 + 4 * L), s5 = FloatVector.fromArray(S, acc, c0 + 5 * L);
        FloatVector s6 = FloatVector.fromArray(S, acc, c0 + 6 * L), s7 = FloatVector.fromArray(S, acc, c0 + 7 * L);
        FloatVector s8 = FloatVector.fromArray(S, acc, c0 + 8 * L), s9 = FloatVector.fromArray(S, acc, c0 + 9 * L);
        FloatVector s10 = FloatVector.fromArray(S, acc, c0 + 10 * L), s11 = FloatVector.fromArray(S, acc, c0 + 11 * L);
        for (int t = 0; t < cells.length; t++) {
            int at = cells[t];
            FloatVector b = FloatVector.fromArray(S, dyT, t * L);
            s0 = FloatVector.broadcast(S, x[x0 + at]).fma(b, s0);
            s1 = FloatVector.broadcast(S, x[x1 + at]).fma(b, s1);
            s2 = FloatVector.broadcast(S, x[x2 + at]).fma(b, s2);
            s3 = FloatVector.broadcast(S, x[x3 + at]).fma(b, s3);
            s4 = FloatVector.broadcast(S, x[x4 + at]).fma(b, s4);
            s5 = FloatVector.broadcast(S, x[x5 + at]).fma(b, s5);
            s6 = FloatVector.broadcast(S, x[x6 + at]).fma(b, s6);
            s7 = FloatVector.broadcast(S, x[x7 + at]).fma(b, s7);
            s8 = FloatVector.broadcast(S, x[x8 + at]).fma(b, s8);
            s9 = FloatVector.broadcast(S, x[x9 + at]).fma(b, s9);
            s10 = FloatVector.broadcast(S, x[x10 + at]).fma(b, s10);
            s11 = FloatVector.broadcast(S, x[x11 + at]).fma(b, s11);
        }
        s0.intoArray(acc, c0);
        s1.intoArray(acc, c0 + L);
        s2.intoArray(acc, c0 + 2 * L);
        s3.intoArray(acc, c0 + 3 * L);
        s4.intoArray(acc, c0 + 4 * L);
        s5.intoArray(acc, c0 + 5 * L);
        s6.intoArray(acc, c0 + 6 * L);
        s7.intoArray(acc, c0 + 7 * L);
        s8.intoArray(acc, c0 + 8 * L);
        s9.intoArray(acc, c0 + 9 * L);
        s10.intoArray(acc, c0 + 10 * L);
        s11.intoArray(acc, c0 + 11 * L);
    }

    private static void weightSums6(float[] x, int xOff, int[] rows, int r, int[] cells, float[] dyT, float[] acc) {
        int x0 = xOff + rows[r];
        int x1 = xOff + rows[r + 1];
        int x2 = xOff + rows[r + 2];
        int x3 = xOff + rows[r + 3];
        int x4 = xOff + rows[r + 4];
        int x5 = xOff + rows[r + 5];
        int c0 = r * 2 * L;
        FloatVector s00 = FloatVector.fromArray(S, acc, c0), s01 = FloatVector.fromArray(S, acc, c0 + L);
        FloatVector s10 = FloatVector.fromArray(S, acc, c0 + 2 * L), s11 = FloatVector.fromArray(S, acc, c0 + 3 * L);
        FloatVector s20 = FloatVector.fromArray(S, acc, c0 + 4 * L), s21 = FloatVector.fromArray(S, acc, c0 + 5 * L);
        FloatVector s30 = FloatVector.fromArray(S, acc, c0 + 6 * L), s31 = FloatVector.fromArray(S, acc, c0 + 7 * L);
        FloatVector s40 = FloatVector.fromArray(S, acc, c0 + 8 * L), s41 = FloatVector.fromArray(S, acc, c0 + 9 * L);
        FloatVector s50 = FloatVector.fromArray(S, acc, c0 + 10 * L), s51 = FloatVector.fromArray(S, acc, c0 + 11 * L);
        for (int t = 0; t < cells.length; t++) {
            int at = cells[t];
            FloatVector b0 = FloatVector.fromArray(S, dyT, t * (2 * L));
            FloatVector b1 = FloatVector.fromArray(S, dyT, t * (2 * L) + L);
            FloatVector v = FloatVector.broadcast(S, x[x0 + at]);
            s00 = v.fma(b0, s00);
            s01 = v.fma(b1, s01);
            v = FloatVector.broadcast(S, x[x1 + at]);
            s10 = v.fma(b0, s10);
            s11 = v.fma(b1, s11);
            v = FloatVector.broadcast(S, x[x2 + at]);
            s20 = v.fma(b0, s20);
            s21 = v.fma(b1, s21);
            v = FloatVector.broadcast(S, x[x3 + at]);
            s30 = v.fma(b0, s30);
            s31 = v.fma(b1, s31);
            v = FloatVector.broadcast(S, x[x4 + at]);
            s40 = v.fma(b0, s40);
            s41 = v.fma(b1, s41);
            v = FloatVector.broadcast(S, x[x5 + at]);
            s50 = v.fma(b0, s50);
            s51 = v.fma(b1, s51);
        }
        s00.intoArray(acc, c0);
        s01.intoArray(acc, c0 + L);
        s10.intoArray(acc, c0 + 2 * L);
        s11.intoArray(acc, c0 + 3 * L);
        s20.intoArray(acc, c0 + 4 * L);
        s21.intoArray(acc, c0 + 5 * L);
        s30.intoArray(acc, c0 + 6 * L);
        s31.intoArray(acc, c0 + 7 * L);
        s40.intoArray(acc, c0 + 8 * L);
        s41.intoArray(acc, c0 + 9 * L);
        s50.intoArray(acc, c0 + 10 * L);
        s51.intoArray(acc, c0 + 11 * L);
    }

    /** Per thread: B's last columns and C's, padded with zeros to one vector. */
    private static final ThreadLocal<float[][]> TAIL = ThreadLocal.withInitial(() -> new float[2][0]);

    /**
     * The last {@code cols} &lt; L columns of C through copies padded with zeros to a whole vector:
     * one vector operation per row and step instead of {@code cols} scalar ones.
     */
    private static void paddedTail(
            int m,
            int cols,
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
        float[][] t = TAIL.get();
        float[] bt = t[0] = Tensor.buffer(t[0], (long) depth * L);
        float[] ct = t[1] = Tensor.buffer(t[1], (long) m * L);
        java.util.Arrays.fill(bt, 0, depth * L, 0f);
        java.util.Arrays.fill(ct, 0, m * L, 0f);
        for (int k = 0; k < depth; k++) {
            System.arraycopy(b, bOff + k * ldb, bt, k * L, cols);
        }
        if (add) {
            for (int i = 0; i < m; i++) {
                System.arraycopy(c, cOff + i * ldc, ct, i * L, cols);
            }
        }
        int i = 0;
        for (; i + 8 <= m; i += 8) {
            narrow8(depth, a, aOff + i * aRow, aRow, aCol, bt, 0, L, ct, i * L, L, add);
        }
        for (; i < m; i++) {
            narrow1(depth, a, aOff + i * aRow, aCol, bt, 0, L, ct, i * L, add);
        }
        for (i = 0; i < m; i++) {
            System.arraycopy(ct, i * L, c, cOff + i * ldc, cols);
        }
    }

    /** Six rows of C, columns [0, wide) two vectors at a time: twelve accumulators, what fits in AVX2's sixteen registers. */
    private static void wide6(
            int wide,
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
        int c1 = cOff + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        int c4 = c3 + ldc;
        int c5 = c4 + ldc;
        int a1 = aOff + aRow;
        int a2 = a1 + aRow;
        int a3 = a2 + aRow;
        int a4 = a3 + aRow;
        int a5 = a4 + aRow;
        // Indices are written as (loop counter)·stride + offset, so the JIT can hoist the bounds checks.
        for (int j = 0; j < wide; j += 2 * L) {
            FloatVector s00 = start(c, cOff + j, add), s01 = start(c, cOff + j + L, add);
            FloatVector s10 = start(c, c1 + j, add), s11 = start(c, c1 + j + L, add);
            FloatVector s20 = start(c, c2 + j, add), s21 = start(c, c2 + j + L, add);
            FloatVector s30 = start(c, c3 + j, add), s31 = start(c, c3 + j + L, add);
            FloatVector s40 = start(c, c4 + j, add), s41 = start(c, c4 + j + L, add);
            FloatVector s50 = start(c, c5 + j, add), s51 = start(c, c5 + j + L, add);
            int bj = bOff + j;
            for (int k = 0; k < depth; k++) {
                FloatVector b0 = FloatVector.fromArray(S, b, bj + k * ldb);
                FloatVector b1 = FloatVector.fromArray(S, b, bj + k * ldb + L);
                FloatVector x = FloatVector.broadcast(S, a[aOff + k * aCol]);
                s00 = x.fma(b0, s00);
                s01 = x.fma(b1, s01);
                x = FloatVector.broadcast(S, a[a1 + k * aCol]);
                s10 = x.fma(b0, s10);
                s11 = x.fma(b1, s11);
                x = FloatVector.broadcast(S, a[a2 + k * aCol]);
                s20 = x.fma(b0, s20);
                s21 = x.fma(b1, s21);
                x = FloatVector.broadcast(S, a[a3 + k * aCol]);
                s30 = x.fma(b0, s30);
                s31 = x.fma(b1, s31);
                x = FloatVector.broadcast(S, a[a4 + k * aCol]);
                s40 = x.fma(b0, s40);
                s41 = x.fma(b1, s41);
                x = FloatVector.broadcast(S, a[a5 + k * aCol]);
                s50 = x.fma(b0, s50);
                s51 = x.fma(b1, s51);
            }
            s00.intoArray(c, cOff + j);
            s01.intoArray(c, cOff + j + L);
            s10.intoArray(c, c1 + j);
            s11.intoArray(c, c1 + j + L);
            s20.intoArray(c, c2 + j);
            s21.intoArray(c, c2 + j + L);
            s30.intoArray(c, c3 + j);
            s31.intoArray(c, c3 + j + L);
            s40.intoArray(c, c4 + j);
            s41.intoArray(c, c4 + j + L);
            s50.intoArray(c, c5 + j);
            s51.intoArray(c, c5 + j + L);
        }
    }

    private static void wide4(
            int wide,
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
        int c1 = cOff + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        int a1 = aOff + aRow;
        int a2 = a1 + aRow;
        int a3 = a2 + aRow;
        for (int j = 0; j < wide; j += 2 * L) {
            FloatVector s00 = start(c, cOff + j, add), s01 = start(c, cOff + j + L, add);
            FloatVector s10 = start(c, c1 + j, add), s11 = start(c, c1 + j + L, add);
            FloatVector s20 = start(c, c2 + j, add), s21 = start(c, c2 + j + L, add);
            FloatVector s30 = start(c, c3 + j, add), s31 = start(c, c3 + j + L, add);
            int bj = bOff + j;
            for (int k = 0; k < depth; k++) {
                FloatVector b0 = FloatVector.fromArray(S, b, bj + k * ldb);
                FloatVector b1 = FloatVector.fromArray(S, b, bj + k * ldb + L);
                FloatVector x = FloatVector.broadcast(S, a[aOff + k * aCol]);
                s00 = x.fma(b0, s00);
                s01 = x.fma(b1, s01);
                x = FloatVector.broadcast(S, a[a1 + k * aCol]);
                s10 = x.fma(b0, s10);
                s11 = x.fma(b1, s11);
                x = FloatVector.broadcast(S, a[a2 + k * aCol]);
                s20 = x.fma(b0, s20);
                s21 = x.fma(b1, s21);
                x = FloatVector.broadcast(S, a[a3 + k * aCol]);
                s30 = x.fma(b0, s30);
                s31 = x.fma(b1, s31);
            }
            s00.intoArray(c, cOff + j);
            s01.intoArray(c, cOff + j + L);
            s10.intoArray(c, c1 + j);
            s11.intoArray(c, c1 + j + L);
            s20.intoArray(c, c2 + j);
            s21.intoArray(c, c2 + j + L);
            s30.intoArray(c, c3 + j);
            s31.intoArray(c, c3 + j + L);
        }
    }

    /** Two rows (one, with aRow = ldc = 0: the row is then computed twice into the same place). */
    private static void wide2(
            int wide,
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
        int c1 = cOff + ldc;
        int a1 = aOff + aRow;
        for (int j = 0; j < wide; j += 2 * L) {
            FloatVector s00 = start(c, cOff + j, add), s01 = start(c, cOff + j + L, add);
            FloatVector s10 = start(c, c1 + j, add), s11 = start(c, c1 + j + L, add);
            int bj = bOff + j;
            for (int k = 0; k < depth; k++) {
                FloatVector b0 = FloatVector.fromArray(S, b, bj + k * ldb);
                FloatVector b1 = FloatVector.fromArray(S, b, bj + k * ldb + L);
                FloatVector x = FloatVector.broadcast(S, a[aOff + k * aCol]);
                s00 = x.fma(b0, s00);
                s01 = x.fma(b1, s01);
                x = FloatVector.broadcast(S, a[a1 + k * aCol]);
                s10 = x.fma(b0, s10);
                s11 = x.fma(b1, s11);
            }
            s10.intoArray(c, c1 + j);
            s11.intoArray(c, c1 + j + L);
            s00.intoArray(c, cOff + j);
            s01.intoArray(c, cOff + j + L);
        }
    }

    /** Eight rows of C, one vector wide (columns [0, L) from cOff). */
    private static void narrow8(
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
        FloatVector s0 = start(c, cOff, add), s1 = start(c, cOff + ldc, add);
        FloatVector s2 = start(c, cOff + 2 * ldc, add), s3 = start(c, cOff + 3 * ldc, add);
        FloatVector s4 = start(c, cOff + 4 * ldc, add), s5 = start(c, cOff + 5 * ldc, add);
        FloatVector s6 = start(c, cOff + 6 * ldc, add), s7 = start(c, cOff + 7 * ldc, add);
        int a1 = aOff + aRow;
        int a2 = a1 + aRow;
        int a3 = a2 + aRow;
        int a4 = a3 + aRow;
        int a5 = a4 + aRow;
        int a6 = a5 + aRow;
        int a7 = a6 + aRow;
        for (int k = 0; k < depth; k++) {
            FloatVector y = FloatVector.fromArray(S, b, bOff + k * ldb);
            s0 = FloatVector.broadcast(S, a[aOff + k * aCol]).fma(y, s0);
            s1 = FloatVector.broadcast(S, a[a1 + k * aCol]).fma(y, s1);
            s2 = FloatVector.broadcast(S, a[a2 + k * aCol]).fma(y, s2);
            s3 = FloatVector.broadcast(S, a[a3 + k * aCol]).fma(y, s3);
            s4 = FloatVector.broadcast(S, a[a4 + k * aCol]).fma(y, s4);
            s5 = FloatVector.broadcast(S, a[a5 + k * aCol]).fma(y, s5);
            s6 = FloatVector.broadcast(S, a[a6 + k * aCol]).fma(y, s6);
            s7 = FloatVector.broadcast(S, a[a7 + k * aCol]).fma(y, s7);
        }
        s0.intoArray(c, cOff);
        s1.intoArray(c, cOff + ldc);
        s2.intoArray(c, cOff + 2 * ldc);
        s3.intoArray(c, cOff + 3 * ldc);
        s4.intoArray(c, cOff + 4 * ldc);
        s5.intoArray(c, cOff + 5 * ldc);
        s6.intoArray(c, cOff + 6 * ldc);
        s7.intoArray(c, cOff + 7 * ldc);
    }

    private static void narrow1(
            int depth, float[] a, int aOff, int aCol, float[] b, int bOff, int ldb, float[] c, int cOff, boolean add) {
        FloatVector s0 = start(c, cOff, add);
        for (int k = 0; k < depth; k++) {
            s0 = FloatVector.broadcast(S, a[aOff + k * aCol]).fma(FloatVector.fromArray(S, b, bOff + k * ldb), s0);
        }
        s0.intoArray(c, cOff);
    }

    /** Columns [from, n) of one row of C, one at a time. */
    private static void scalarTail(
            int from,
            int n,
            int depth,
            float[] a,
            int aOff,
            int aCol,
            float[] b,
            int bOff,
            int ldb,
            float[] c,
            int cOff,
            boolean add) {
        for (int j = from; j < n; j++) {
            float s = add ? c[cOff + j] : 0f;
            for (int k = 0, ak = aOff, bk = bOff + j; k < depth; k++, ak += aCol, bk += ldb) {
                s = Math.fma(a[ak], b[bk], s);
            }
            c[cOff + j] = s;
        }
    }

    private static FloatVector start(float[] c, int at, boolean add) {
        return add ? FloatVector.fromArray(S, c, at) : FloatVector.zero(S);
    }

    /**
     * C[i, j] (+)= Σ_k A[i, k]·B[j, k] for i &lt; m, j &lt; n, k &lt; depth, where
     * A[i, k] = a[aOff + i·lda + k], B[j, k] = b[bOff + j·ldb + k], C[i, j] = c[cOff + i·ldc + j].
     */
    static void nt(
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
        int i = 0;
        for (; i + 2 <= m; i += 2) {
            int j = 0;
            for (; j + 4 <= n; j += 4) {
                nt2x4(depth, 1, a, aOff + i * lda, lda, 0, b, bOff + j * ldb, ldb, 0, c, cOff + i * ldc + j, ldc, add);
            }
            for (; j < n; j++) {
                int bj = bOff + j * ldb;
                put(c, cOff + i * ldc + j, VectorSimd.dotFloat(depth, a, aOff + i * lda, b, bj), add);
                put(c, cOff + (i + 1) * ldc + j, VectorSimd.dotFloat(depth, a, aOff + (i + 1) * lda, b, bj), add);
            }
        }
        for (; i < m; i++) {
            for (int j = 0; j < n; j++) {
                put(c, cOff + i * ldc + j, VectorSimd.dotFloat(depth, a, aOff + i * lda, b, bOff + j * ldb), add);
            }
        }
    }

    /**
     * Two rows of A against four rows of B: eight dot products, one vector accumulator each.
     * The accumulators pass through memory between the matrices of a batch: a vector kept live
     * across nested loops makes the JIT box it (a hundred times slower).
     */
    private static void nt2x4(
            int depth,
            int batch,
            float[] a,
            int aOff,
            int lda,
            int aStep,
            float[] b,
            int bOff,
            int ldb,
            int bStep,
            float[] c,
            int cOff,
            int ldc,
            boolean add) {
        float[] acc = new float[8 * L];
        float[] tail = new float[8];
        for (int e = 0; e < batch; e++) {
            pass2x4(depth, a, aOff + e * aStep, lda, b, bOff + e * bStep, ldb, acc, tail);
        }
        for (int r = 0; r < 2; r++) {
            for (int j = 0; j < 4; j++) {
                int q = r * 4 + j;
                float s = 0;
                for (int l = 0; l < L; l++) {
                    s += acc[q * L + l];
                }
                put(c, cOff + r * ldc + j, s + tail[q], add);
            }
        }
    }

    /** acc (8 vectors: rows 0, 1 of A × rows 0..3 of B) += the products of one pair of matrices. */
    private static void pass2x4(
            int depth, float[] a, int a0, int lda, float[] b, int b0, int ldb, float[] acc, float[] tail) {
        int a1 = a0 + lda;
        int b1 = b0 + ldb;
        int b2 = b1 + ldb;
        int b3 = b2 + ldb;
        FloatVector s00 = FloatVector.fromArray(S, acc, 0);
        FloatVector s01 = FloatVector.fromArray(S, acc, L);
        FloatVector s02 = FloatVector.fromArray(S, acc, 2 * L);
        FloatVector s03 = FloatVector.fromArray(S, acc, 3 * L);
        FloatVector s10 = FloatVector.fromArray(S, acc, 4 * L);
        FloatVector s11 = FloatVector.fromArray(S, acc, 5 * L);
        FloatVector s12 = FloatVector.fromArray(S, acc, 6 * L);
        FloatVector s13 = FloatVector.fromArray(S, acc, 7 * L);
        int k = 0;
        for (int bound = S.loopBound(depth); k < bound; k += L) {
            FloatVector x0 = FloatVector.fromArray(S, a, a0 + k);
            FloatVector x1 = FloatVector.fromArray(S, a, a1 + k);
            FloatVector y = FloatVector.fromArray(S, b, b0 + k);
            s00 = x0.fma(y, s00);
            s10 = x1.fma(y, s10);
            y = FloatVector.fromArray(S, b, b1 + k);
            s01 = x0.fma(y, s01);
            s11 = x1.fma(y, s11);
            y = FloatVector.fromArray(S, b, b2 + k);
            s02 = x0.fma(y, s02);
            s12 = x1.fma(y, s12);
            y = FloatVector.fromArray(S, b, b3 + k);
            s03 = x0.fma(y, s03);
            s13 = x1.fma(y, s13);
        }
        s00.intoArray(acc, 0);
        s01.intoArray(acc, L);
        s02.intoArray(acc, 2 * L);
        s03.intoArray(acc, 3 * L);
        s10.intoArray(acc, 4 * L);
        s11.intoArray(acc, 5 * L);
        s12.intoArray(acc, 6 * L);
        s13.intoArray(acc, 7 * L);
        for (; k < depth; k++) {
            float x0 = a[a0 + k];
            float x1 = a[a1 + k];
            tail[0] += x0 * b[b0 + k];
            tail[1] += x0 * b[b1 + k];
            tail[2] += x0 * b[b2 + k];
            tail[3] += x0 * b[b3 + k];
            tail[4] += x1 * b[b0 + k];
            tail[5] += x1 * b[b1 + k];
            tail[6] += x1 * b[b2 + k];
            tail[7] += x1 * b[b3 + k];
        }
    }

    /**
     * {@link Simd.ProductSums} when C has a whole number of vectors of rows (a convolution with
     * 16 output channels): Cᵀ += B·Aᵀ as a matrix product along rows of Aᵀ, which is faster
     * than dot products when the products are short (64 positions).
     */
    static final class TransposedProductSums implements Simd.ProductSums {
        private final int m;
        private final int n;
        private final int depth;
        private final float[] ct;
        private final float[] at;

        TransposedProductSums(int m, int n, int depth) {
            this.m = m;
            this.n = n;
            this.depth = depth;
            ct = new float[n * m];
            at = new float[depth * m];
        }

        @Override
        public boolean fits(int m, int n, int depth) {
            return this.m == m && this.n == n && this.depth == depth;
        }

        @Override
        public void add(float[] a, int aOff, int lda, float[] b, int bOff, int ldb) {
            for (int i = 0; i < m; i++) {
                for (int k = 0; k < depth; k++) {
                    at[k * m + i] = a[aOff + i * lda + k];
                }
            }
            nn(n, m, depth, b, bOff, ldb, 1, at, 0, m, ct, 0, m, true);
        }

        @Override
        public void addTo(float[] c, int cOff, int ldc) {
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < m; i++) {
                    c[cOff + i * ldc + j] += ct[j * m + i];
                }
            }
            java.util.Arrays.fill(ct, 0f);
        }
    }

    /** {@link Simd.ProductSums} with one vector of partial sums per element of C (and a scalar for the tail). */
    static final class VectorProductSums implements Simd.ProductSums {
        private final int m;
        private final int n;
        private final int depth;
        private final float[] acc;
        private final float[] tail;

        VectorProductSums(int m, int n, int depth) {
            this.m = m;
            this.n = n;
            this.depth = depth;
            acc = new float[m * n * L];
            tail = new float[m * n];
        }

        @Override
        public boolean fits(int m, int n, int depth) {
            return this.m == m && this.n == n && this.depth == depth;
        }

        @Override
        public void add(float[] a, int aOff, int lda, float[] b, int bOff, int ldb) {
            add(a, aOff, lda, b, bOff, ldb, null);
        }

        /** {@link #add} with row j of B at b[rowAt[j]]: the same sums of the same floats. */
        void addRows(float[] a, int aOff, int lda, float[] b, int[] rowAt) {
            add(a, aOff, lda, b, 0, 0, rowAt);
        }

        private void add(float[] a, int aOff, int lda, float[] b, int bOff, int ldb, int[] rowAt) {
            int i = 0;
            for (; i + 2 <= m; i += 2) {
                int j = 0;
                for (; j + 4 <= n; j += 4) {
                    int b0 = rowAt == null ? bOff + j * ldb : rowAt[j];
                    int b1 = rowAt == null ? b0 + ldb : rowAt[j + 1];
                    int b2 = rowAt == null ? b1 + ldb : rowAt[j + 2];
                    int b3 = rowAt == null ? b2 + ldb : rowAt[j + 3];
                    block2x4(a, aOff + i * lda, lda, b, b0, b1, b2, b3, i * n + j);
                }
                for (; j < n; j++) {
                    int bj = rowAt == null ? bOff + j * ldb : rowAt[j];
                    block1x1(a, aOff + i * lda, b, bj, i * n + j);
                    block1x1(a, aOff + (i + 1) * lda, b, bj, (i + 1) * n + j);
                }
            }
            for (; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    block1x1(a, aOff + i * lda, b, rowAt == null ? bOff + j * ldb : rowAt[j], i * n + j);
                }
            }
        }

        /** Rows i, i + 1 of A against the rows of B at b0 .. b3; q = i·n + j. */
        private void block2x4(float[] a, int a0, int lda, float[] b, int b0, int b1, int b2, int b3, int q) {
            int a1 = a0 + lda;
            int r0 = q * L;
            int r1 = (q + n) * L;
            FloatVector s00 = FloatVector.fromArray(S, acc, r0);
            FloatVector s01 = FloatVector.fromArray(S, acc, r0 + L);
            FloatVector s02 = FloatVector.fromArray(S, acc, r0 + 2 * L);
            FloatVector s03 = FloatVector.fromArray(S, acc, r0 + 3 * L);
            FloatVector s10 = FloatVector.fromArray(S, acc, r1);
            FloatVector s11 = FloatVector.fromArray(S, acc, r1 + L);
            FloatVector s12 = FloatVector.fromArray(S, acc, r1 + 2 * L);
            FloatVector s13 = FloatVector.fromArray(S, acc, r1 + 3 * L);
            int k = 0;
            for (int bound = S.loopBound(depth); k < bound; k += L) {
                FloatVector x0 = FloatVector.fromArray(S, a, a0 + k);
                FloatVector x1 = FloatVector.fromArray(S, a, a1 + k);
                FloatVector y = FloatVector.fromArray(S, b, b0 + k);
                s00 = x0.fma(y, s00);
                s10 = x1.fma(y, s10);
                y = FloatVector.fromArray(S, b, b1 + k);
                s01 = x0.fma(y, s01);
                s11 = x1.fma(y, s11);
                y = FloatVector.fromArray(S, b, b2 + k);
                s02 = x0.fma(y, s02);
                s12 = x1.fma(y, s12);
                y = FloatVector.fromArray(S, b, b3 + k);
                s03 = x0.fma(y, s03);
                s13 = x1.fma(y, s13);
            }
            s00.intoArray(acc, r0);
            s01.intoArray(acc, r0 + L);
            s02.intoArray(acc, r0 + 2 * L);
            s03.intoArray(acc, r0 + 3 * L);
            s10.intoArray(acc, r1);
            s11.intoArray(acc, r1 + L);
            s12.intoArray(acc, r1 + 2 * L);
            s13.intoArray(acc, r1 + 3 * L);
            for (; k < depth; k++) {
                float x0 = a[a0 + k];
                float x1 = a[a1 + k];
                tail[q] = Math.fma(x0, b[b0 + k], tail[q]);
                tail[q + 1] = Math.fma(x0, b[b1 + k], tail[q + 1]);
                tail[q + 2] = Math.fma(x0, b[b2 + k], tail[q + 2]);
                tail[q + 3] = Math.fma(x0, b[b3 + k], tail[q + 3]);
                tail[q + n] = Math.fma(x1, b[b0 + k], tail[q + n]);
                tail[q + n + 1] = Math.fma(x1, b[b1 + k], tail[q + n + 1]);
                tail[q + n + 2] = Math.fma(x1, b[b2 + k], tail[q + n + 2]);
                tail[q + n + 3] = Math.fma(x1, b[b3 + k], tail[q + n + 3]);
            }
        }

        private void block1x1(float[] a, int a0, float[] b, int b0, int q) {
            FloatVector s = FloatVector.fromArray(S, acc, q * L);
            int k = 0;
            for (int bound = S.loopBound(depth); k < bound; k += L) {
                s = FloatVector.fromArray(S, a, a0 + k).fma(FloatVector.fromArray(S, b, b0 + k), s);
            }
            s.intoArray(acc, q * L);
            for (; k < depth; k++) {
                tail[q] = Math.fma(a[a0 + k], b[b0 + k], tail[q]);
            }
        }

        @Override
        public void addTo(float[] c, int cOff, int ldc) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    int q = i * n + j;
                    float s = 0;
                    for (int l = 0; l < L; l++) {
                        s += acc[q * L + l];
                    }
                    c[cOff + i * ldc + j] += s + tail[q];
                }
            }
            java.util.Arrays.fill(acc, 0f);
            java.util.Arrays.fill(tail, 0f);
        }
    }

    private static void put(float[] c, int at, float v, boolean add) {
        c[at] = add ? c[at] + v : v;
    }
}
