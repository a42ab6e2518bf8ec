package bnlab.nn.kernel;

import java.util.Arrays;

/**
 * What a batch norm normalizes with, per virtual batch k and channel c (one virtual batch: the
 * whole batch, or inference with the moving statistics), and the backward pass this implies:
 * <pre>
 *   x̂ = (x − centre)·s·r + d,   y = γ·x̂ + β
 * </pre>
 * with centre = μ (or 0 when not centring), s = 1/√(σ² + ε) (or 1 when not scaling), and r, d
 * Batch Renorm's correction (1 and 0 otherwise). One class for batch norm and its lite forms
 * (mean only, variance only), Ghost BN (several virtual batches) and Batch Renorm (r, d), so both
 * the fast kernel ({@link BatchNormKernel}) and the double-precision loops ({@link BatchNormRows})
 * share its formulas.
 *
 * @param center whether the mean is subtracted
 * @param scale  whether the result is divided by √(σ² + ε)
 * @param mean   μ of each virtual batch [k][c] (the batch's, or the moving one in inference)
 * @param invStd 1/√(σ² + ε) [k][c] (1 when not scaling)
 * @param r      Batch Renorm's r [k][c] (1 otherwise)
 * @param d      Batch Renorm's d [k][c] (0 otherwise)
 */
public record BatchNormalizer(
        boolean center, boolean scale, double[][] mean, double[][] invStd, double[][] r, double[][] d) {

    /** Plain batch norm of each virtual batch from its mean and biased variance: r = 1, d = 0. */
    public static BatchNormalizer of(double[][] mean, double[][] var, double eps, boolean center, boolean scale) {
        int k = mean.length;
        double[][] invStd = new double[k][];
        double[][] r = new double[k][];
        double[][] d = new double[k][];
        for (int g = 0; g < k; g++) {
            int channels = mean[g].length;
            invStd[g] = new double[channels];
            for (int c = 0; c < channels; c++) {
                invStd[g][c] = scale ? 1.0 / Math.sqrt(var[g][c] + eps) : 1.0;
            }
            r[g] = new double[channels];
            Arrays.fill(r[g], 1.0);
            d[g] = new double[channels];
        }
        return new BatchNormalizer(center, scale, mean, invStd, r, d);
    }

    /** Virtual batches in this normalizer. */
    public int groups() {
        return mean.length;
    }

    /** The factor of x in x̂ = (x − centre)·factor: s·r. */
    public double factor(int k, int c) {
        return invStd[k][c] * r[k][c];
    }

    /** x̂ = (x − centre)·factor written with d folded in: centre = μ − d/(s·r) (or −d/(s·r)). */
    public double shiftedCentre(int k, int c) {
        return (center ? mean[k][c] : 0.0) - d[k][c] / factor(k, c);
    }

    /**
     * {a, shift, slope} of the input gradient dX = a·dY + shift + slope·(x̂ − d) for virtual batch
     * k, channel c, given Σ dY and Σ dY·(x̂ − d) over its m values. (x̂ − d rather than x̂: with
     * Batch Renorm's d up to 5, slope·x̂ and a shift holding −slope·d would cancel most digits of
     * a float sum.) With u = (x − centre)·s = (x̂ − d)/r,
     * a = γ·r·s and, in training mode (μ and σ² depend on x; r and d are constants):
     * <pre>
     *   dX = a·(dY − [centre] mean(dY) − [scale] mean(dY·u)·(u − [not centre] μ·s))
     * </pre>
     * (notebook 3b derives the full form); in inference mode dX = a·dY.
     */
    public double[] gradient(
            int k, int c, double gamma, double sumDy, double sumDyCentred, double m, boolean training) {
        double r1 = r[k][c];
        double s = invStd[k][c];
        double a = gamma * r1 * s;
        if (!training) {
            return new double[] {a, 0, 0};
        }
        double meanDyU = sumDyCentred / (r1 * m);
        double slope = scale ? -a * meanDyU / r1 : 0;
        double shift = (center ? -a * sumDy / m : 0) + (scale && !center ? a * meanDyU * mean[k][c] * s : 0);
        return new double[] {a, shift, slope};
    }

    /** First example of virtual batch k, virtual batches of {@code size} examples. */
    public static int first(int k, int size) {
        return k * size;
    }

    /** End (exclusive) of virtual batch k of a batch of n examples. */
    public static int end(int k, int size, int n) {
        return Math.min(n, (k + 1) * size);
    }

    /** How many virtual batches of {@code size} a batch of n makes (the last may be smaller). */
    public static int count(int n, int size) {
        return (n + size - 1) / size;
    }
}
