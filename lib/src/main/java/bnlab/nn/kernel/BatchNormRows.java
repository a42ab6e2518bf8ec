package bnlab.nn.kernel;

/**
 * The arithmetic of {@code bnlab.nn.BatchNormFunction}, forward and backward, as plain loops over
 * the rows of {@link Rows}: tensor (N, C, S) with S = H·W (or 1 for a fully-connected input),
 * row n = the C·S values of example n. Sums accumulate per position across rows (a loop the JIT
 * vectorizes) and are folded per channel at the end; everything is in double precision, so a
 * float result is the exact result rounded once. {@code bnlab.nn.ReadableBatchNorm} is the same
 * mathematics written with ND4J ops, and the tests check they agree.
 */
public final class BatchNormRows {

    private BatchNormRows() {
    }

    /** Per-channel batch mean and biased variance (divide by m = N·S), two passes for accuracy. */
    public static double[][] batchStatistics(Rows x, int channels) {
        int w = x.width;
        int s = w / channels;
        double[] row = new double[w];
        double[] acc = new double[w];
        for (int r = 0; r < x.rows; r++) {
            x.read(r, row);
            for (int j = 0; j < w; j++) {
                acc[j] += row[j];
            }
        }
        double m = (double) x.rows * s;
        double[] mean = perChannelSum(acc, channels);
        for (int c = 0; c < channels; c++) {
            mean[c] /= m;
        }
        double[] meanRow = perPosition(mean, s);
        java.util.Arrays.fill(acc, 0);
        for (int r = 0; r < x.rows; r++) {
            x.read(r, row);
            for (int j = 0; j < w; j++) {
                double d = row[j] - meanRow[j];
                acc[j] += d * d;
            }
        }
        double[] var = perChannelSum(acc, channels);
        for (int c = 0; c < channels; c++) {
            var[c] /= m;
        }
        return new double[][] {mean, var};
    }

    /** xHat = (x - mean) * invStd and y = gamma * xHat + beta; {@code xHat} may be null. */
    public static void normalize(Rows x, double[] mean, double[] invStd, double[] gamma, double[] beta,
                          Rows xHat, Rows y) {
        int s = x.width / mean.length;
        double[] meanRow = perPosition(mean, s);
        double[] invStdRow = perPosition(invStd, s);
        double[] gammaRow = perPosition(gamma, s);
        double[] betaRow = perPosition(beta, s);
        double[] row = new double[x.width];
        double[] out = new double[x.width];
        for (int r = 0; r < x.rows; r++) {
            x.read(r, row);
            for (int j = 0; j < row.length; j++) {
                row[j] = (row[j] - meanRow[j]) * invStdRow[j];
                out[j] = gammaRow[j] * row[j] + betaRow[j];
            }
            if (xHat != null) {
                xHat.write(r, row);
            }
            y.write(r, out);
        }
    }

    /**
     * Gradients from dY. dBeta = Σ dY and dGamma = Σ dY·xHat per channel; for the full
     * normalization in training mode dX = gamma·invStd·(dY − dBeta/m − xHat·dGamma/m) (the batch
     * statistics depend on X), in inference mode dX = gamma·invStd·dY (the moving statistics are
     * constants); {@link Normalization#inputGradientCoefficients} has the lite forms. {@code mean}
     * is the batch mean (used by VARIANCE_ONLY only).
     */
    public static void backward(Rows dY, Rows xHat, double[] gamma, double[] invStd, boolean training,
                                Rows dX, double[] dGamma, double[] dBeta, Normalization kind, double[] mean) {
        int channels = gamma.length;
        int w = dY.width;
        int s = w / channels;
        double[] dy = new double[w];
        double[] xh = new double[w];
        double[] accBeta = new double[w];
        double[] accGamma = new double[w];
        for (int r = 0; r < dY.rows; r++) {
            dY.read(r, dy);
            xHat.read(r, xh);
            for (int j = 0; j < w; j++) {
                accBeta[j] += dy[j];
                accGamma[j] += dy[j] * xh[j];
            }
        }
        double[] sumBeta = perChannelSum(accBeta, channels);
        double[] sumGamma = perChannelSum(accGamma, channels);
        System.arraycopy(sumBeta, 0, dBeta, 0, channels);
        System.arraycopy(sumGamma, 0, dGamma, 0, channels);
        if (dX == null) {
            return;
        }
        double[][] k = kind.inputGradientCoefficients(gamma, invStd, dGamma, dBeta, (double) dY.rows * s, training, mean);
        double[] scaleRow = perPosition(k[0], s);
        double[] shiftRow = perPosition(k[1], s);
        double[] slopeRow = perPosition(k[2], s);
        for (int r = 0; r < dY.rows; r++) {
            dY.read(r, dy);
            xHat.read(r, xh);
            for (int j = 0; j < w; j++) {
                dy[j] = scaleRow[j] * dy[j] + shiftRow[j] + slopeRow[j] * xh[j];
            }
            dX.write(r, dy);
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
            java.util.Arrays.fill(row, c * s, (c + 1) * s, perChannel[c]);
        }
        return row;
    }
}
