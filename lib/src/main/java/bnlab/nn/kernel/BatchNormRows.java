package bnlab.nn.kernel;

import java.util.Arrays;

/**
 * Batch norm's arithmetic, forward and backward, in double precision on the rows of {@link Rows}
 * (tensor (N, C, S), S = H·W or 1; row n = the C·S values of example n): what the layers of
 * {@code bnlab.nn} compute when they run as written (double inputs for gradient checks, or the
 * fast engine off), and what {@code BatchNormFunction} computes. Virtual batches of consecutive
 * rows and the normalization of a {@link BatchNormalizer} make it serve batch norm, its lite forms,
 * Ghost BN and Batch Renorm alike. Sums accumulate per position across rows (a loop the JIT
 * vectorizes) and are folded per channel at the end, all in double, so a float result is the exact
 * result rounded once. {@link BatchNormKernel} is the fast float twin; the tests check they agree.
 */
public final class BatchNormRows {

    private BatchNormRows() {}

    /**
     * Per virtual batch (of {@code virtualBatch} consecutive rows) and channel, the mean and the
     * biased variance (divided by m = rows·S), two passes for accuracy: {mean[k][c], var[k][c]}.
     */
    public static double[][][] statistics(Rows x, int channels, int virtualBatch) {
        int w = x.width;
        int s = w / channels;
        int groups = BatchNormalizer.count(x.rows, virtualBatch);
        double[][] mean = new double[groups][];
        double[][] var = new double[groups][];
        double[] row = new double[w];
        double[] acc = new double[w];
        for (int k = 0; k < groups; k++) {
            int from = BatchNormalizer.first(k, virtualBatch);
            int to = BatchNormalizer.end(k, virtualBatch, x.rows);
            double m = (double) (to - from) * s;
            Arrays.fill(acc, 0);
            for (int r = from; r < to; r++) {
                x.read(r, row);
                for (int j = 0; j < w; j++) {
                    acc[j] += row[j];
                }
            }
            mean[k] = perChannelSum(acc, channels);
            for (int c = 0; c < channels; c++) {
                mean[k][c] /= m;
            }
            double[] meanRow = perPosition(mean[k], s);
            Arrays.fill(acc, 0);
            for (int r = from; r < to; r++) {
                x.read(r, row);
                for (int j = 0; j < w; j++) {
                    double d = row[j] - meanRow[j];
                    acc[j] += d * d;
                }
            }
            var[k] = perChannelSum(acc, channels);
            for (int c = 0; c < channels; c++) {
                var[k][c] /= m;
            }
        }
        return new double[][][] {mean, var};
    }

    /** x̂ = (x − centre)·s·r + d and y = γ·x̂ + β, per virtual batch as {@code norm} says; {@code xHat} may be null. */
    public static void normalize(
            Rows x, BatchNormalizer norm, int virtualBatch, double[] gamma, double[] beta, Rows xHat, Rows y) {
        int channels = gamma.length;
        int s = x.width / channels;
        double[] gammaRow = perPosition(gamma, s);
        double[] betaRow = perPosition(beta, s);
        double[] row = new double[x.width];
        double[] out = new double[x.width];
        for (int k = 0; k < norm.groups(); k++) {
            double[] centre = new double[channels];
            double[] factor = new double[channels];
            for (int c = 0; c < channels; c++) {
                centre[c] = norm.shiftedCentre(k, c);
                factor[c] = norm.factor(k, c);
            }
            double[] centreRow = perPosition(centre, s);
            double[] factorRow = perPosition(factor, s);
            for (int r = BatchNormalizer.first(k, virtualBatch);
                    r < BatchNormalizer.end(k, virtualBatch, x.rows);
                    r++) {
                x.read(r, row);
                for (int j = 0; j < row.length; j++) {
                    row[j] = (row[j] - centreRow[j]) * factorRow[j];
                    out[j] = gammaRow[j] * row[j] + betaRow[j];
                }
                if (xHat != null) {
                    xHat.write(r, row);
                }
                y.write(r, out);
            }
        }
    }

    /**
     * Gradients from dY: dβ = Σ dY and dγ = Σ dY·x̂ = Σ dY·(x̂ − d) + d·Σ dY per channel over all
     * virtual batches, and, when
     * {@code dX} is given, dX = a·dY + shift + slope·(x̂ − d) with the coefficients of
     * {@link BatchNormalizer#gradient} per virtual batch and channel.
     */
    public static void backward(
            Rows dY,
            Rows xHat,
            double[] gamma,
            BatchNormalizer norm,
            int virtualBatch,
            boolean training,
            Rows dX,
            double[] dGamma,
            double[] dBeta) {
        int channels = gamma.length;
        int w = dY.width;
        int s = w / channels;
        double[] dy = new double[w];
        double[] xh = new double[w];
        Arrays.fill(dGamma, 0);
        Arrays.fill(dBeta, 0);
        for (int k = 0; k < norm.groups(); k++) {
            int from = BatchNormalizer.first(k, virtualBatch);
            int to = BatchNormalizer.end(k, virtualBatch, dY.rows);
            double[] dRow = perPosition(norm.d()[k], s);
            double[] accBeta = new double[w];
            double[] accCentred = new double[w];
            for (int r = from; r < to; r++) {
                dY.read(r, dy);
                xHat.read(r, xh);
                for (int j = 0; j < w; j++) {
                    accBeta[j] += dy[j];
                    accCentred[j] += dy[j] * (xh[j] - dRow[j]);
                }
            }
            double[] sumBeta = perChannelSum(accBeta, channels);
            double[] sumCentred = perChannelSum(accCentred, channels);
            for (int c = 0; c < channels; c++) {
                dBeta[c] += sumBeta[c];
                dGamma[c] += sumCentred[c] + norm.d()[k][c] * sumBeta[c];
            }
            if (dX == null) {
                continue;
            }
            double[] a = new double[channels];
            double[] shift = new double[channels];
            double[] slope = new double[channels];
            for (int c = 0; c < channels; c++) {
                double[] k3 =
                        norm.gradient(k, c, gamma[c], sumBeta[c], sumCentred[c], (double) (to - from) * s, training);
                a[c] = k3[0];
                shift[c] = k3[1];
                slope[c] = k3[2];
            }
            double[] aRow = perPosition(a, s);
            double[] shiftRow = perPosition(shift, s);
            double[] slopeRow = perPosition(slope, s);
            for (int r = from; r < to; r++) {
                dY.read(r, dy);
                xHat.read(r, xh);
                for (int j = 0; j < w; j++) {
                    dy[j] = aRow[j] * dy[j] + shiftRow[j] + slopeRow[j] * (xh[j] - dRow[j]);
                }
                dX.write(r, dy);
            }
        }
    }

    /** Sums each channel's S consecutive positions of a row-shaped accumulator. */
    private static double[] perChannelSum(double[] acc, int channels) {
        int s = acc.length / channels;
        double[] sums = new double[channels];
        for (int c = 0; c < channels; c++) {
            double sum = 0;
            for (int i = c * s; i < (c + 1) * s; i++) {
                sum += acc[i];
            }
            sums[c] = sum;
        }
        return sums;
    }

    /** Repeats each channel's value S times, so per-channel constants line up with a row. */
    private static double[] perPosition(double[] perChannel, int s) {
        double[] row = new double[perChannel.length * s];
        for (int c = 0; c < perChannel.length; c++) {
            Arrays.fill(row, c * s, (c + 1) * s, perChannel[c]);
        }
        return row;
    }
}
