package bnlab.nn.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import bnlab.FiniteDifferences;
import bnlab.Tolerances;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The double-precision batch norm every layer runs as written ({@link BatchNormRows}) against its
 * definition: the statistics of each virtual batch and channel, the normalization, and the
 * backward pass against central differences of the whole forward pass (statistics included) for
 * batch norm, its lite forms, ghost batches with a smaller last one, Batch Renorm's constant r and
 * d, and inference; and a case by hand. {@link BatchNormKernelTest} compares the float kernel with
 * this class, so this is where the comparison's reference is checked.
 */
class BatchNormRowsTest {

    private static final int N = 7;
    private static final int C = 2;
    private static final int S = 3;
    private static final double EPS = 1e-5;

    /** A form of batch norm: virtual batch, centring, scaling, Renorm's r and d, training mode. */
    private record Form(
            String name, int virtualBatch, boolean center, boolean scale, double r, double d, boolean training) {}

    private static final Form[] FORMS = {
        new Form("batch norm", N, true, true, 1, 0, true),
        new Form("mean only", N, true, false, 1, 0, true),
        new Form("variance only", N, false, true, 1, 0, true),
        new Form("ghost batches of 3 (3, 3, 1)", 3, true, true, 1, 0, true),
        new Form("ghost batches of 2 (2, 2, 2, 1)", 2, true, true, 1, 0, true),
        new Form("batch renorm r 0.7 d 0.4", N, true, true, 0.7, 0.4, true),
        new Form("inference", N, true, true, 1, 0, false),
    };

    private static double[] random(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = 4 * r.nextDouble() - 1;
        }
        return v;
    }

    private static Rows rows(double[] values) {
        return Rows.of(Nd4j.create(values, new long[] {N, C, S}, 'c'));
    }

    /** An (N, C, S) array of zeros for results; {@link #values} reads it back. */
    private static INDArray result() {
        return Nd4j.zeros(DataType.DOUBLE, N, C, S);
    }

    private static double[] values(INDArray a) {
        return a.reshape(a.length()).toDoubleVector();
    }

    /** Value (n, c, i) of an (N, C, S) tensor stored C-ordered. */
    private static int at(int n, int c, int i) {
        return (n * C + c) * S + i;
    }

    /** {mean[k][c], biased variance[k][c]} over the examples of virtual batch k and the S positions. */
    private static double[][][] definition(double[] x, int virtualBatch) {
        int groups = BatchNormalizer.count(N, virtualBatch);
        double[][][] stats = new double[2][groups][C];
        for (int k = 0; k < groups; k++) {
            int from = k * virtualBatch;
            int to = Math.min(N, from + virtualBatch);
            for (int c = 0; c < C; c++) {
                double m = (to - from) * S;
                double sum = 0;
                for (int n = from; n < to; n++) {
                    for (int i = 0; i < S; i++) {
                        sum += x[at(n, c, i)];
                    }
                }
                double mean = sum / m;
                double squares = 0;
                for (int n = from; n < to; n++) {
                    for (int i = 0; i < S; i++) {
                        squares += (x[at(n, c, i)] - mean) * (x[at(n, c, i)] - mean);
                    }
                }
                stats[0][k][c] = mean;
                stats[1][k][c] = squares / m;
            }
        }
        return stats;
    }

    /** The normalizer a layer builds for {@code form}: the batch's statistics, or fixed ones in inference. */
    private static BatchNormalizer normalizer(Form form, double[] x) {
        double[][][] stats = form.training()
                ? BatchNormRows.statistics(rows(x), C, form.virtualBatch())
                : new double[][][] {{{0.3, -0.2}}, {{1.5, 0.8}}};
        BatchNormalizer plain = BatchNormalizer.of(stats[0], stats[1], EPS, form.center(), form.scale());
        double[][] r = new double[plain.groups()][C];
        double[][] d = new double[plain.groups()][C];
        for (int k = 0; k < plain.groups(); k++) {
            java.util.Arrays.fill(r[k], form.r());
            java.util.Arrays.fill(d[k], form.d());
        }
        return new BatchNormalizer(form.center(), form.scale(), plain.mean(), plain.invStd(), r, d);
    }

    /** y of the forward pass, statistics recomputed from x (so finite differences see their dependence on x). */
    private static double[] forward(Form form, double[] x, double[] gamma, double[] beta) {
        INDArray y = result();
        BatchNormRows.normalize(rows(x), normalizer(form, x), form.virtualBatch(), gamma, beta, null, Rows.of(y));
        return values(y);
    }

    private static double loss(Form form, double[] x, double[] gamma, double[] beta, double[] dY) {
        double[] y = forward(form, x, gamma, beta);
        double l = 0;
        for (int i = 0; i < y.length; i++) {
            l += y[i] * dY[i];
        }
        return l;
    }

    @Test
    void statisticsAreTheMeanAndBiasedVarianceOfEachVirtualBatch() {
        double[] x = random(1, N * C * S);
        for (int v : new int[] {N, 3, 2, 1}) {
            double[][][] expected = definition(x, v);
            double[][][] actual = BatchNormRows.statistics(rows(x), C, v);
            assertEquals(expected[0].length, actual[0].length, "virtual batches of " + v);
            for (int k = 0; k < expected[0].length; k++) {
                assertArrayEquals(expected[0][k], actual[0][k], Tolerances.DOUBLE, "mean, batch " + k + " of " + v);
                assertArrayEquals(expected[1][k], actual[1][k], Tolerances.DOUBLE, "variance, batch " + k + " of " + v);
            }
        }
    }

    @Test
    void normalizationIsTheFormula() {
        double[] x = random(2, N * C * S);
        double[] gamma = {1.5, -0.5};
        double[] beta = {0.25, 2};
        for (Form form : FORMS) {
            double[][][] stats = definition(x, form.virtualBatch());
            double[] y = forward(form, x, gamma, beta);
            INDArray xHatArray = result();
            INDArray yArray = result();
            BatchNormRows.normalize(
                    rows(x),
                    normalizer(form, x),
                    form.virtualBatch(),
                    gamma,
                    beta,
                    Rows.of(xHatArray),
                    Rows.of(yArray));
            assertArrayEquals(y, values(yArray), 0.0, form.name() + ": y with and without x̂ kept");
            double[] xHat = values(xHatArray);
            for (int n = 0; n < N; n++) {
                int k = form.training() ? n / form.virtualBatch() : 0;
                for (int c = 0; c < C; c++) {
                    double mean = form.training() ? stats[0][k][c] : 0.3 - 0.5 * c;
                    double var = form.training() ? stats[1][k][c] : 1.5 - 0.7 * c;
                    for (int i = 0; i < S; i++) {
                        double u = (x[at(n, c, i)] - (form.center() ? mean : 0))
                                / (form.scale() ? Math.sqrt(var + EPS) : 1);
                        double expected = u * form.r() + form.d();
                        assertEquals(expected, xHat[at(n, c, i)], Tolerances.DOUBLE, form.name() + " x̂");
                        assertEquals(
                                gamma[c] * expected + beta[c], y[at(n, c, i)], Tolerances.DOUBLE, form.name() + " y");
                    }
                }
            }
        }
    }

    /** dX, dγ and dβ for L = Σ y·dY against central differences of the forward pass. */
    @Test
    void theBackwardPassOfEveryFormMatchesFiniteDifferences() {
        double[] x = random(3, N * C * S);
        double[] dY = random(4, N * C * S);
        double[] gamma = {1.5, -0.5};
        double[] beta = {0.25, 2};
        for (Form form : FORMS) {
            INDArray xHat = result();
            BatchNormalizer norm = normalizer(form, x);
            BatchNormRows.normalize(rows(x), norm, form.virtualBatch(), gamma, beta, Rows.of(xHat), Rows.of(result()));
            INDArray dX = result();
            double[] dGamma = new double[C];
            double[] dBeta = new double[C];
            BatchNormRows.backward(
                    rows(dY),
                    Rows.of(xHat),
                    gamma,
                    norm,
                    form.virtualBatch(),
                    form.training(),
                    Rows.of(dX),
                    dGamma,
                    dBeta);
            FiniteDifferences.assertGradient(values(dX), x, () -> loss(form, x, gamma, beta, dY), form.name() + ": dX");
            FiniteDifferences.assertGradient(dGamma, gamma, () -> loss(form, x, gamma, beta, dY), form.name() + ": dγ");
            FiniteDifferences.assertGradient(dBeta, beta, () -> loss(form, x, gamma, beta, dY), form.name() + ": dβ");
        }
    }

    /**
     * By hand, one channel of [[1, 2], [3, 4]] (N = 2, S = 2): μ = 2.5, σ² = 1.25; ghost batches
     * of one example: μ = 1.5 and 3.5, σ² = 0.25 each.
     */
    @Test
    void statisticsByHand() {
        Rows x = Rows.of(Nd4j.create(new double[] {1, 2, 3, 4}, new long[] {2, 1, 2}, 'c')
                .castTo(DataType.FLOAT));
        double[][][] whole = BatchNormRows.statistics(x, 1, 2);
        assertEquals(2.5, whole[0][0][0], 0.0);
        assertEquals(1.25, whole[1][0][0], 0.0);
        double[][][] ghost = BatchNormRows.statistics(x, 1, 1);
        assertEquals(1.5, ghost[0][0][0], 0.0);
        assertEquals(3.5, ghost[0][1][0], 0.0);
        assertEquals(0.25, ghost[1][0][0], 0.0);
        assertEquals(0.25, ghost[1][1][0], 0.0);
    }
}
