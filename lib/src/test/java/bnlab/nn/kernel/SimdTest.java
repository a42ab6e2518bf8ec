package bnlab.nn.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnlab.Tolerances;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The plain loops compute what the Vector API computes, primitive by primitive, on lengths that
 * leave every kind of tail (shorter than a vector, one over, many vectors and a few) and at
 * offsets that are not multiples of a vector. Where both add the same terms in the same order
 * (matrix products C = A·B, element-by-element formulas, copies) the results are the same bits;
 * where they split sums differently (sums, dot products, C = A·Bᵀ, sums of such products) they
 * agree to float rounding.
 */
class SimdTest {

    private static final Simd VECTOR = new VectorSimd();
    private static final Simd PLAIN = new PlainSimd();
    private static final int[] LENGTHS = {0, 1, 3, 7, 8, 9, 15, 16, 17, 24, 31, 33, 64, 100, 150, 576, 1000, 2500};

    private static float[] random(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * 1.5 + 0.3);
        }
        return v;
    }

    /** max |e − a| / (1 + max |e|): relative for large values, absolute near zero; NaN fails. */
    static double deviation(float[] e, float[] a) {
        double scale = 1;
        double worst = 0;
        for (int i = 0; i < e.length; i++) {
            scale = Math.max(scale, Math.abs(e[i]));
            double d = Math.abs((double) e[i] - a[i]);
            worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(worst, d);
        }
        return worst / scale;
    }

    /** One run and many runs (a channel of an (N, C, S) tensor), against the exact sums. */
    @Test
    void sumsOverRunsAgreeWithTheExactSums() {
        int[][] runs = {{1, 0}, {3, 5}, {256, 16 * 64}, {40, 577}};
        for (int len : LENGTHS) {
            for (int[] r : runs) {
                int count = r[0];
                int stride = Math.max(r[1], len);
                float[] x = random(len, 5 + count * stride + len);
                float[] y = random(len + 1, 5 + count * stride + len);
                double sum = 0;
                double squares = 0;
                double dot = 0;
                double dotCentred = 0;
                double sumY = 0;
                double size = 0;
                for (int e = 0; e < count; e++) {
                    for (int i = 0; i < len; i++) {
                        int at = 5 + e * stride + i;
                        sum += x[at];
                        squares += (x[at] - 0.4) * (x[at] - 0.4);
                        dot += (double) x[at] * y[at];
                        dotCentred += y[at] * (x[at] - 0.4);
                        sumY += y[at];
                        size += Math.abs(x[at]) + Math.abs(x[at] * y[at]) + (x[at] - 0.4) * (x[at] - 0.4) + 0.4;
                    }
                }
                String what = " of " + count + " runs of " + len + ", ";
                for (Simd simd : new Simd[] {VECTOR, PLAIN}) {
                    double tol = Tolerances.FLOAT_SUM * (1 + size);
                    assertTrue(
                            Math.abs(simd.sum(x, 5, len, count, stride) - sum) <= tol, "sum" + what + simd.describe());
                    double[] out = new double[2];
                    simd.moments(x, 5, len, count, stride, 0.4f, out);
                    assertTrue(
                            Math.abs(out[0] - (sum - 0.4 * count * len)) <= tol,
                            "moments, sum" + what + simd.describe());
                    assertTrue(Math.abs(out[1] - squares) <= tol, "moments, squares" + what + simd.describe());
                    simd.gradientSums(y, x, 5, len, count, stride, 0.4f, out);
                    assertTrue(
                            Math.abs(out[0] - sumY) <= tol + Tolerances.FLOAT_SUM * count * len * 3,
                            "gradient sums, dY" + what + simd.describe());
                    assertTrue(
                            Math.abs(out[1] - dotCentred) <= tol, "gradient sums, dY·(x − c)" + what + simd.describe());
                    simd.gradientSums(y, x, 5, len, count, stride, 0f, out);
                    assertTrue(Math.abs(out[1] - dot) <= tol, "gradient sums, dY·x" + what + simd.describe());
                }
            }
        }
    }

    /**
     * The Vector API's sum is the first of its {@link Simd#moments} around 0, bit for bit, also
     * where it adds one short run its own way, without the squares (a convolution's bias
     * gradient, whose bits the training runs kept in the run cache depend on).
     */
    @Test
    void aSumIsTheSumOfTheMomentsAroundZero() {
        for (int len : new int[] {1, 8, 15, 16, 64, 100, 16 * 127, 16 * 128, 16 * 129 + 3}) {
            for (int count : new int[] {1, 3}) {
                float[] x = random(len + count, 5 + count * len + 7);
                x[5] = -0f;
                double[] out = new double[2];
                VECTOR.moments(x, 5, len, count, len, 0f, out);
                assertEquals(
                        Double.doubleToLongBits(out[0]),
                        Double.doubleToLongBits(VECTOR.sum(x, 5, len, count, len)),
                        "sum of " + count + " runs of " + len + ", " + VECTOR.describe());
            }
        }
    }

    /** Runs {@code op} on copies of the same arrays with each implementation; the arrays must come out equal. */
    private interface Op {
        void run(Simd s, float[][] arrays);
    }

    private static void sameBits(String what, int arrays, int size, Op op) {
        float[][] v = new float[arrays][];
        float[][] p = new float[arrays][];
        for (int i = 0; i < arrays; i++) {
            v[i] = random(31 * i + size, size);
            p[i] = v[i].clone();
        }
        op.run(VECTOR, v);
        op.run(PLAIN, p);
        for (int i = 0; i < arrays; i++) {
            assertArrayEquals(v[i], p[i], what + ", array " + i);
        }
    }

    @Test
    void elementByElementFormulasGiveTheSameBits() {
        for (int len : LENGTHS) {
            int n = len + 40;
            String at = " length " + len;
            sameBits("normalize" + at, 3, n, (s, a) -> s.normalize(a[0], a[1], a[2], 7, len, 0.3f, 1.7f, 0.9f, -0.2f));
            sameBits(
                    "normalize, y only" + at,
                    2,
                    n,
                    (s, a) -> s.normalize(a[0], null, a[1], 7, len, 0.3f, 1.7f, 0.9f, -0.2f));
            sameBits(
                    "inputGradient" + at,
                    3,
                    n,
                    (s, a) -> s.inputGradient(a[0], a[1], a[2], 5, len, 1.3f, -0.1f, 0.7f, 0.2f, 1.4f));
            sameBits("multiply" + at, 3, n, (s, a) -> s.multiply(a[0], 3, a[1], 9, a[2], 1, len));
            sameBits("addColumns" + at, 2, n, (s, a) -> s.addColumns(a[0], a[1], 6, len, null, 2));
            sameBits("addColumns centred" + at, 3, n, (s, a) -> s.addColumns(a[0], a[1], 6, len, a[2], 2));
            sameBits(
                    "normalizeColumns" + at,
                    7,
                    n,
                    (s, a) -> s.normalizeColumns(a[0], a[1], a[2], 4, len, a[3], a[4], a[5], a[6], 9));
            sameBits("affineColumns" + at, 4, n, (s, a) -> s.affineColumns(a[0], a[1], 8, len, a[2], a[3], 1));
            sameBits(
                    "gradientSumColumns" + at,
                    4,
                    n,
                    (s, a) -> s.gradientSumColumns(a[0], a[1], 3, len, a[2], a[3], 11));
            sameBits(
                    "inputGradientColumns" + at,
                    6,
                    n,
                    (s, a) -> s.inputGradientColumns(a[0], a[1], a[2], 2, len, a[3], a[4], a[5], 5));
            sameBits("sigmoid" + at, 2, n, (s, a) -> s.sigmoid(a[0], a[1], 3, 3 + len));
            sameBits("sigmoidBackward" + at, 3, n, (s, a) -> s.sigmoidBackward(a[0], a[1], a[2], 1, 1 + len));
            sameBits("relu" + at, 2, n, (s, a) -> s.relu(a[0], a[1], 5, 5 + len));
            sameBits("reluBackward" + at, 3, n, (s, a) -> s.reluBackward(a[0], a[1], a[2], 5, 5 + len));
        }
    }

    /**
     * A saturated sigmoid gives 0, never a subnormal float (which makes every later operation on
     * it ~100 times slower): forward below x ≈ −87.3, and backward where dY·σ·(1 − σ) underflows;
     * the same bits on both implementations, in the vector loop and in its tail.
     */
    @Test
    void saturatedSigmoidsGiveZeroNotSubnormals() {
        float[] xs = {-80f, -87f, -88f, -90f, -95f, -100f, -120f, 0f, 3f, 90f, Float.NaN};
        float[] dys = {1e-30f, -1e-30f, 1f, -2e-33f, 1e-20f, 0.5f, -0.25f, 1e-37f, 2f, 1f, 1f};
        float[] sigmas = {1e-9f, 1e-9f, 6e-39f, 0.5f, 1e-18f, 0.25f, 0.75f, 0.5f, 1e-30f, 1f, 0.5f};
        int n = 3 * VECTOR.lanes() * xs.length + 5;
        for (Simd simd : new Simd[] {VECTOR, PLAIN}) {
            float[] x = new float[n];
            float[] dy = new float[n];
            float[] sigma = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = xs[i % xs.length];
                dy[i] = dys[i % xs.length];
                sigma[i] = sigmas[i % xs.length];
            }
            float[] y = new float[n];
            float[] dx = new float[n];
            simd.sigmoid(x, y, 0, n);
            simd.sigmoidBackward(dy, sigma, dx, 0, n);
            for (int i = 0; i < n; i++) {
                String at = simd.getClass().getSimpleName() + ", element " + i;
                assertTrue(y[i] == 0 || !(Math.abs(y[i]) < Float.MIN_NORMAL), at + ": sigmoid(" + x[i] + ") = " + y[i]);
                assertTrue(dx[i] == 0 || !(Math.abs(dx[i]) < Float.MIN_NORMAL), at + ": backward " + dx[i]);
                if (x[i] <= -88f) {
                    assertTrue(Float.floatToRawIntBits(y[i]) == 0, at + ": +0 for " + x[i]);
                }
            }
            assertTrue(y[0] > 0 && y[0] < 2e-35f, "σ(−80) ≈ 1.8e−35 stays: a normal float");
            assertTrue(Float.floatToRawIntBits(dx[1]) == 0, "a negative underflow is +0 too");
            assertTrue(dx[2] == 0 && dx[5] == 0.5f * 0.25f * 0.75f, "normal results as before");
        }
        float[] xs2 = new float[n];
        for (int i = 0; i < n; i++) {
            xs2[i] = xs[i % xs.length];
        }
        sameBits("saturated sigmoid", 2, n, (s, a) -> {
            System.arraycopy(xs2, 0, a[0], 0, n);
            s.sigmoid(a[0], a[1], 0, n);
        });
    }

    /** im2col's copies, including rows of half a vector (joined two at a time on the Vector API) and odd row counts. */
    @Test
    void rowCopiesAndShiftedSumsGiveTheSameBits() {
        int lanes = VECTOR.lanes();
        for (int cols : new int[] {1, 5, lanes / 2, lanes, lanes + lanes / 2, 24, 3 * lanes - 1}) {
            for (int rows : new int[] {1, 2, 7, 8}) {
                int stride = cols + 4;
                String what = "copyRows " + rows + "x" + cols;
                sameBits(
                        what,
                        2,
                        rows * stride + 20 + rows * cols,
                        (s, a) -> s.copyRows(a[0], 3, stride, rows, cols, a[1], 5));
            }
        }
        int[] offsets = {40, 3, 17, 29, 0, 11};
        for (int len : LENGTHS) {
            sameBits("sumShifted length " + len, 2, len + 60, (s, a) -> s.sumShifted(a[0], offsets, a[1], 2, len));
        }
    }

    /** C = A·B adds its products in the order k = 0, 1, … with fused multiply-adds in both: the same bits. */
    @Test
    void matrixProductsGiveTheSameBits() {
        int[][] shapes = {
            {16, 64, 150},
            {150, 16, 64},
            {150, 96, 16},
            {6, 576, 25},
            {256, 120, 256},
            {256, 84, 120},
            {7, 13, 5},
            {1, 1, 1},
            {3, 40, 2},
            {33, 17, 9},
            {5, 300, 31}
        };
        for (int[] mnk : shapes) {
            int m = mnk[0];
            int n = mnk[1];
            int k = mnk[2];
            String what = "nn " + m + "x" + n + "x" + k;
            for (boolean add : new boolean[] {false, true}) {
                sameBits(
                        what + (add ? " add" : ""),
                        3,
                        Math.max(m, n) * (k + n) + 64,
                        (s, a) -> s.nn(m, n, k, a[0], 1, k, 1, a[1], 2, n + 3, a[2], 3, n + 1, add));
                sameBits(
                        what + " A transposed" + (add ? " add" : ""),
                        3,
                        Math.max(m, n) * (k + n) + 64,
                        (s, a) -> s.nn(m, n, k, a[0], 1, 1, m, a[1], 2, n, a[2], 3, n, add));
            }
        }
    }

    @Test
    void dotProductsOfRowsAgreeToRounding() {
        int[][] shapes = {{6, 25, 576}, {16, 150, 64}, {7, 3, 5}, {2, 40, 100}, {33, 5, 17}};
        for (int[] mnk : shapes) {
            int m = mnk[0];
            int n = mnk[1];
            int k = mnk[2];
            for (boolean add : new boolean[] {false, true}) {
                float[] a = random(1, m * k + 8);
                float[] b = random(2, n * k + 8);
                float[] cv = random(3, m * n + 8);
                float[] cp = cv.clone();
                VECTOR.nt(m, n, k, a, 1, k, b, 3, k, cv, 2, n, add);
                PLAIN.nt(m, n, k, a, 1, k, b, 3, k, cp, 2, n, add);
                double dev = deviation(cv, cp);
                assertTrue(dev <= Tolerances.FLOAT_SUM, "nt " + m + "x" + n + "x" + k + ": deviation " + dev);
            }
        }
    }

    /** Σ_e A_e·B_eᵀ over several pairs, short and long products (the plain loops take two routes), then again from zero. */
    @Test
    void productSumsAddUpEveryPairAndStartAgain() {
        int[][] shapes = {{16, 150, 64}, {6, 25, 576}, {3, 5, 7}, {2, 4, 300}, {5, 9, 33}};
        for (int[] mnk : shapes) {
            int m = mnk[0];
            int n = mnk[1];
            int k = mnk[2];
            for (Simd simd : new Simd[] {VECTOR, PLAIN}) {
                Simd.ProductSums sums = simd.productSums(m, n, k);
                assertTrue(sums.fits(m, n, k) && !sums.fits(m, n, k + 1));
                for (int round = 0; round < 2; round++) {
                    double[] expected = new double[m * n];
                    double[] size = new double[m * n];
                    for (int e = 0; e < 3; e++) {
                        float[] a = random(10 * e + round, m * (k + 2) + 1);
                        float[] b = random(10 * e + round + 5, n * (k + 1) + 3);
                        sums.add(a, 1, k + 2, b, 3, k + 1);
                        for (int i = 0; i < m; i++) {
                            for (int j = 0; j < n; j++) {
                                for (int q = 0; q < k; q++) {
                                    double t = (double) a[1 + i * (k + 2) + q] * b[3 + j * (k + 1) + q];
                                    expected[i * n + j] += t;
                                    size[i * n + j] += Math.abs(t);
                                }
                            }
                        }
                    }
                    float[] c = new float[m * (n + 2)];
                    java.util.Arrays.fill(c, 1f);
                    sums.addTo(c, 0, n + 2);
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            double error = Math.abs(expected[i * n + j] + 1 - c[i * (n + 2) + j]);
                            assertTrue(
                                    error <= Tolerances.FLOAT_SUM * (1 + size[i * n + j]),
                                    simd.describe() + " product sums " + m + "x" + n + "x" + k + " round " + round
                                            + ": error " + error);
                        }
                        assertTrue(c[i * (n + 2) + n] == 1f, "columns outside C untouched");
                    }
                }
            }
        }
    }
}
