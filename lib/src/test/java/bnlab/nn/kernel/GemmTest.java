package bnlab.nn.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnlab.Tolerances;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The matrix products of both implementations ({@link VectorGemm}, {@link PlainGemm}) against
 * their definition summed in double: C = A·B (A read plain or transposed) and C = A·Bᵀ, written or
 * added, with offsets and row strides wider than the rows, on shapes that leave every kind of
 * edge of the register blocks (rows not a multiple of six, columns short of a vector, one column,
 * long products). The floats of C around the product must stay as they were. {@code SimdTest}
 * checks that the two give the same bits; this test checks that the bits are the product.
 */
class GemmTest {

    private static final int[][] SHAPES = {{1, 1, 1}, {7, 13, 5}, {6, 16, 25}, {13, 8, 3}, {33, 17, 9},
        {16, 150, 64}, {150, 16, 64}, {6, 576, 25}, {5, 300, 31}, {40, 1, 100}, {1, 40, 7}, {64, 120, 256}};

    /** What both implementations are called with: the {@code nn} and {@code nt} signatures of {@link Simd}. */
    private interface Gemm {
        void nn(int m, int n, int depth, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int ldb,
                float[] c, int cOff, int ldc, boolean add);

        void nt(int m, int n, int depth, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                float[] c, int cOff, int ldc, boolean add);
    }

    private static final Gemm VECTOR = new Gemm() {
        @Override
        public void nn(int m, int n, int depth, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff,
                       int ldb, float[] c, int cOff, int ldc, boolean add) {
            VectorGemm.nn(m, n, depth, a, aOff, aRow, aCol, b, bOff, ldb, c, cOff, ldc, add);
        }

        @Override
        public void nt(int m, int n, int depth, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc, boolean add) {
            VectorGemm.nt(m, n, depth, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, add);
        }

        @Override
        public String toString() {
            return "VectorGemm";
        }
    };

    private static final Gemm PLAIN = new Gemm() {
        @Override
        public void nn(int m, int n, int depth, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff,
                       int ldb, float[] c, int cOff, int ldc, boolean add) {
            PlainGemm.nn(m, n, depth, a, aOff, aRow, aCol, b, bOff, ldb, c, cOff, ldc, add);
        }

        @Override
        public void nt(int m, int n, int depth, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc, boolean add) {
            PlainGemm.nt(m, n, depth, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, add);
        }

        @Override
        public String toString() {
            return "PlainGemm";
        }
    };

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
    private static void assertProduct(float[] before, float[] after, int cOff, int ldc, int m, int n,
                                      double[][] exact, double[][] size, boolean add, String what) {
        boolean[] inside = new boolean[before.length];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int at = cOff + i * ldc + j;
                inside[at] = true;
                double expected = exact[i][j] + (add ? before[at] : 0);
                double tolerance = Tolerances.FLOAT_SUM * (1 + size[i][j] + (add ? Math.abs(before[at]) : 0));
                assertTrue(Math.abs(after[at] - expected) <= tolerance,
                        what + ": C[" + i + ", " + j + "] = " + after[at] + ", the product is " + expected);
            }
        }
        for (int at = 0; at < before.length; at++) {
            if (!inside[at]) {
                assertEquals(before[at], after[at], 0f, what + ": float " + at + " outside C was written");
            }
        }
    }

    /** C = A·B with A plain (row stride depth + 2) or transposed (A stored depth × m), B with row stride n + 3. */
    @Test
    void matrixProductsAreTheProduct() {
        for (Gemm gemm : new Gemm[] {VECTOR, PLAIN}) {
            for (int[] mnk : SHAPES) {
                int m = mnk[0];
                int n = mnk[1];
                int depth = mnk[2];
                for (boolean transposed : new boolean[] {false, true}) {
                    int aRow = transposed ? 1 : depth + 2;
                    int aCol = transposed ? m + 1 : 1;
                    float[] a = random(1, 3 + m * (depth + 2) + depth * (m + 1));
                    float[] b = random(2, 2 + depth * (n + 3));
                    double[][] exact = new double[m][n];
                    double[][] size = new double[m][n];
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            for (int k = 0; k < depth; k++) {
                                double t = (double) a[3 + i * aRow + k * aCol] * b[2 + k * (n + 3) + j];
                                exact[i][j] += t;
                                size[i][j] += Math.abs(t);
                            }
                        }
                    }
                    for (boolean add : new boolean[] {false, true}) {
                        int ldc = n + 5;
                        float[] c = random(3, 4 + m * ldc + 6);
                        float[] before = c.clone();
                        gemm.nn(m, n, depth, a, 3, aRow, aCol, b, 2, n + 3, c, 4, ldc, add);
                        assertProduct(before, c, 4, ldc, m, n, exact, size, add, gemm + " nn " + m + "x" + n + "x"
                                + depth + (transposed ? ", A transposed" : "") + (add ? ", added" : ""));
                    }
                }
            }
        }
    }

    /** C = A·Bᵀ: dot products of the rows of A (stride depth + 1) and of B (stride depth + 4). */
    @Test
    void dotProductsOfRowsAreTheProduct() {
        for (Gemm gemm : new Gemm[] {VECTOR, PLAIN}) {
            for (int[] mnk : SHAPES) {
                int m = mnk[0];
                int n = mnk[1];
                int depth = mnk[2];
                float[] a = random(4, 1 + m * (depth + 1));
                float[] b = random(5, 3 + n * (depth + 4));
                double[][] exact = new double[m][n];
                double[][] size = new double[m][n];
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        for (int k = 0; k < depth; k++) {
                            double t = (double) a[1 + i * (depth + 1) + k] * b[3 + j * (depth + 4) + k];
                            exact[i][j] += t;
                            size[i][j] += Math.abs(t);
                        }
                    }
                }
                for (boolean add : new boolean[] {false, true}) {
                    int ldc = n + 2;
                    float[] c = random(6, 5 + m * ldc + 3);
                    float[] before = c.clone();
                    gemm.nt(m, n, depth, a, 1, depth + 1, b, 3, depth + 4, c, 5, ldc, add);
                    assertProduct(before, c, 5, ldc, m, n, exact, size, add,
                            gemm + " nt " + m + "x" + n + "x" + depth + (add ? ", added" : ""));
                }
            }
        }
    }

    /** A 2×2 case by hand: [[1, 2], [3, 4]]·[[5, 6], [7, 8]] = [[19, 22], [43, 50]]; times its transpose [[17, 23], [39, 53]]. */
    @Test
    void aProductByHand() {
        float[] a = {1, 2, 3, 4};
        float[] b = {5, 6, 7, 8};
        for (Gemm gemm : new Gemm[] {VECTOR, PLAIN}) {
            float[] c = new float[4];
            gemm.nn(2, 2, 2, a, 0, 2, 1, b, 0, 2, c, 0, 2, false);
            assertEquals(java.util.List.of(19f, 22f, 43f, 50f), java.util.List.of(c[0], c[1], c[2], c[3]), gemm + " A·B");
            gemm.nt(2, 2, 2, a, 0, 2, b, 0, 2, c, 0, 2, false);
            assertEquals(java.util.List.of(17f, 23f, 39f, 53f), java.util.List.of(c[0], c[1], c[2], c[3]), gemm + " A·Bᵀ");
        }
    }
}
