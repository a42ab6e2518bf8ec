package bnlab.nn.kernel;

/**
 * {@link Simd}'s matrix products in plain Java. The JIT (Java 17) vectorizes a loop only when
 * every array in it is indexed by the same expression, so B is first copied into one array per
 * row and each row of C is accumulated in an array of its own: then the inner loop
 * {@code r[j] = fma(a₃, b₃[j], fma(a₂, b₂[j], fma(a₁, b₁[j], fma(a₀, b₀[j], r[j]))))} (four
 * steps of k per pass, each element of C one load and one store per four multiply-adds) runs
 * with the processor's vectors. Each element still sums its products in the order k = 0, 1, …
 * with fused multiply-adds, as {@link VectorGemm} does, so {@link #nn} gives the same bits.
 * When C has fewer columns than rows, Cᵀ = Bᵀ·Aᵀ is computed instead, so that the inner loop
 * runs along the longer side. Dot products ({@link #nt}) that are short in columns are computed
 * one by one with eight partial sums.
 */
final class PlainGemm {

    /** Per thread: B (or Aᵀ) one row per array, and the row of C being accumulated. */
    static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    static final class Scratch {
        float[][] rows = new float[0][];
        float[] acc = new float[0];

        /** At least {@code count} rows of at least {@code width} floats each. */
        float[][] rows(int count, int width) {
            if (rows.length < count) {
                rows = java.util.Arrays.copyOf(rows, count);
            }
            for (int k = 0; k < count; k++) {
                if (rows[k] == null || rows[k].length < width) {
                    rows[k] = new float[width];
                }
            }
            return rows;
        }

        float[] acc(int width) {
            if (acc.length < width) {
                acc = new float[width];
            }
            return acc;
        }
    }

    private PlainGemm() {}

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
        if (m == 0 || n == 0) {
            return;
        }
        Scratch s = SCRATCH.get();
        if (n < 32 && m > n) {
            // Cᵀ (n × m) = Bᵀ (n × depth) · Aᵀ (depth × m): rows of Aᵀ are the long side.
            float[][] at = s.rows(depth, m);
            for (int k = 0; k < depth; k++) {
                float[] row = at[k];
                for (int i = 0; i < m; i++) {
                    row[i] = a[aOff + i * aRow + k * aCol];
                }
            }
            float[] r = s.acc(m);
            for (int j = 0; j < n; j++) {
                if (add) {
                    for (int i = 0; i < m; i++) {
                        r[i] = c[cOff + i * ldc + j];
                    }
                } else {
                    java.util.Arrays.fill(r, 0, m, 0f);
                }
                accumulate(r, m, depth, at, b, bOff + j, ldb);
                for (int i = 0; i < m; i++) {
                    c[cOff + i * ldc + j] = r[i];
                }
            }
            return;
        }
        float[][] bt = s.rows(depth, n);
        for (int k = 0; k < depth; k++) {
            System.arraycopy(b, bOff + k * ldb, bt[k], 0, n);
        }
        float[] r = s.acc(n);
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (add) {
                System.arraycopy(c, ci, r, 0, n);
            } else {
                java.util.Arrays.fill(r, 0, n, 0f);
            }
            accumulate(r, n, depth, bt, a, aOff + i * aRow, aCol);
            System.arraycopy(r, 0, c, ci, n);
        }
    }

    /** r[j] += Σ_k x[xOff + k·xStep]·rows[k][j] for j &lt; n, k &lt; depth, k in order. */
    static void accumulate(float[] r, int n, int depth, float[][] rows, float[] x, int xOff, int xStep) {
        int k = 0;
        for (; k + 4 <= depth; k += 4) {
            float x0 = x[xOff + k * xStep];
            float x1 = x[xOff + (k + 1) * xStep];
            float x2 = x[xOff + (k + 2) * xStep];
            float x3 = x[xOff + (k + 3) * xStep];
            float[] b0 = rows[k];
            float[] b1 = rows[k + 1];
            float[] b2 = rows[k + 2];
            float[] b3 = rows[k + 3];
            for (int j = 0; j < n; j++) {
                r[j] = Math.fma(x3, b3[j], Math.fma(x2, b2[j], Math.fma(x1, b1[j], Math.fma(x0, b0[j], r[j]))));
            }
        }
        for (; k < depth; k++) {
            float x0 = x[xOff + k * xStep];
            float[] b0 = rows[k];
            for (int j = 0; j < n; j++) {
                r[j] = Math.fma(x0, b0[j], r[j]);
            }
        }
    }

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
        if (n >= 32) {
            // As nn with B read transposed: B[j, k] = b[bOff + j·ldb + k] is Bᵀ with rows k.
            nnTransposedB(m, n, depth, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, add);
            return;
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float d = dot(a, aOff + i * lda, b, bOff + j * ldb, depth);
                int at = cOff + i * ldc + j;
                c[at] = add ? c[at] + d : d;
            }
        }
    }

    private static void nnTransposedB(
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
        Scratch s = SCRATCH.get();
        float[][] bt = s.rows(depth, n);
        for (int j = 0; j < n; j++) {
            for (int k = 0; k < depth; k++) {
                bt[k][j] = b[bOff + j * ldb + k];
            }
        }
        float[] r = s.acc(n);
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (add) {
                System.arraycopy(c, ci, r, 0, n);
            } else {
                java.util.Arrays.fill(r, 0, n, 0f);
            }
            accumulate(r, n, depth, bt, a, aOff + i * lda, 1);
            System.arraycopy(r, 0, c, ci, n);
        }
    }

    /** Σ x·y with eight partial sums (lanes), added left to right at the end: the JIT does not vectorize sums. */
    static float dot(float[] x, int xOff, float[] y, int yOff, int len) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            int p = xOff + i;
            int q = yOff + i;
            s0 = Math.fma(x[p], y[q], s0);
            s1 = Math.fma(x[p + 1], y[q + 1], s1);
            s2 = Math.fma(x[p + 2], y[q + 2], s2);
            s3 = Math.fma(x[p + 3], y[q + 3], s3);
            s4 = Math.fma(x[p + 4], y[q + 4], s4);
            s5 = Math.fma(x[p + 5], y[q + 5], s5);
            s6 = Math.fma(x[p + 6], y[q + 6], s6);
            s7 = Math.fma(x[p + 7], y[q + 7], s7);
        }
        float sum = s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7;
        for (; i < len; i++) {
            sum += x[xOff + i] * y[yOff + i];
        }
        return sum;
    }
}
