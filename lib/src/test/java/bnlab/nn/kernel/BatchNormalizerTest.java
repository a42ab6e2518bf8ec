package bnlab.nn.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import bnlab.FiniteDifferences;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The one input-gradient formula of every batch norm ({@link BatchNormalizer#gradient}) against
 * central differences of the forward pass of one channel, in double, for the full form, the two
 * lite forms and Batch Renorm's constant r and d; and its helpers by hand.
 */
class BatchNormalizerTest {

    /** {mean, biased variance} of x. */
    private static double[] statistics(double[] x) {
        double mean = 0;
        for (double v : x) {
            mean += v / x.length;
        }
        double var = 0;
        for (double v : x) {
            var += (v - mean) * (v - mean) / x.length;
        }
        return new double[] {mean, var};
    }

    /** L = Σ dY·y for one channel of m values normalized as the normalizer's form says (statistics from x). */
    private static double loss(
            double[] x, double[] dY, boolean center, boolean scale, double r, double d, double gamma) {
        int m = x.length;
        double[] stats = statistics(x);
        double mean = stats[0];
        double s = scale ? 1 / Math.sqrt(stats[1] + 1e-5) : 1;
        double loss = 0;
        for (int i = 0; i < m; i++) {
            double xHat = (x[i] - (center ? mean : 0)) * s * r + d;
            loss += dY[i] * (gamma * xHat + 0.3);
        }
        return loss;
    }

    @Test
    void theGradientOfEveryFormMatchesFiniteDifferences() {
        SplittableRandom random = new SplittableRandom(5);
        int m = 9;
        double[] x = new double[m];
        double[] dY = new double[m];
        for (int i = 0; i < m; i++) {
            x[i] = 2 * random.nextDouble() - 0.5;
            dY[i] = random.nextDouble() - 0.5;
        }
        double gamma = 1.7;
        for (double[] form :
                new double[][] {{1, 1, 1, 0}, {1, 0, 1, 0}, {0, 1, 1, 0}, {1, 1, 0.6, 1.4}, {1, 1, 2.5, -3}}) {
            boolean center = form[0] == 1;
            boolean scale = form[1] == 1;
            double r = form[2];
            double d = form[3];
            double[] stats = statistics(x);
            double mean = stats[0];
            double s = scale ? 1 / Math.sqrt(stats[1] + 1e-5) : 1;
            BatchNormalizer norm = new BatchNormalizer(
                    center, scale, new double[][] {{mean}}, new double[][] {{s}}, new double[][] {{r}}, new double[][] {
                        {d}
                    });
            double sumDy = 0;
            double sumDyCentred = 0;
            double[] xHat = new double[m];
            for (int i = 0; i < m; i++) {
                xHat[i] = (x[i] - norm.shiftedCentre(0, 0)) * norm.factor(0, 0);
                sumDy += dY[i];
                sumDyCentred += dY[i] * (xHat[i] - d);
            }
            double[] k = norm.gradient(0, 0, gamma, sumDy, sumDyCentred, m, true);
            double[] analytic = new double[m];
            for (int i = 0; i < m; i++) {
                analytic[i] = k[0] * dY[i] + k[1] + k[2] * (xHat[i] - d);
            }
            FiniteDifferences.assertGradient(
                    analytic,
                    x,
                    () -> loss(x, dY, center, scale, r, d, gamma),
                    "center " + center + " scale " + scale + " r " + r + " d " + d);
        }
    }

    @Test
    void helpersByHand() {
        BatchNormalizer plain = BatchNormalizer.of(new double[][] {{2}}, new double[][] {{4 - 1e-5}}, 1e-5, true, true);
        assertEquals(0.5, plain.invStd()[0][0], 1e-15, "1/√(σ² + ε) with σ² + ε = 4");
        assertEquals(2, plain.shiftedCentre(0, 0), 0.0, "centre = μ when d = 0");
        BatchNormalizer renorm = new BatchNormalizer(
                true, true, new double[][] {{2}}, new double[][] {{0.5}}, new double[][] {{2}}, new double[][] {{3}});
        assertEquals(1, renorm.factor(0, 0), 0.0, "s·r");
        assertEquals(-1, renorm.shiftedCentre(0, 0), 0.0, "μ − d/(s·r) = 2 − 3");
        assertEquals(3, BatchNormalizer.count(10, 4), "10 examples in virtual batches of 4: 4, 4, 2");
        assertEquals(10, BatchNormalizer.end(2, 4, 10));
        double[] inference = plain.gradient(0, 0, 3, 5, 7, 10, false);
        assertEquals(1.5, inference[0], 0.0, "inference: dX = γ·s·dY");
        assertEquals(0, inference[1], 0.0);
        assertEquals(0, inference[2], 0.0);
    }
}
