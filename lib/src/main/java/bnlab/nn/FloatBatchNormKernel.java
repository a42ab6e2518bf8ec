package bnlab.nn;

import java.nio.FloatBuffer;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link BatchNormKernel} specialized for float tensors, the training path: the same passes,
 * but on {@code float[]} rows, which the JIT turns into SIMD loops (it does not vectorize the
 * float→double conversions of the generic kernel). Sums stay accurate without double
 * accumulators: each position keeps a Kahan-compensated float sum across the batch, and the
 * per-channel totals are folded in double. Large inputs are split across two threads by rows.
 * The tests check this kernel against the double one to float precision.
 */
final class FloatBatchNormKernel {

    /** Below this many elements a second thread costs more than it saves. */
    private static final int PARALLEL_THRESHOLD = 1 << 17;

    private FloatBatchNormKernel() {
    }

    /** Per-channel batch mean and biased variance of a contiguous C-ordered float tensor. */
    static double[][] batchStatistics(INDArray x, int channels) {
        View v = new View(x);
        int s = v.width / channels;
        double m = (double) v.rows * s;
        double[] mean = v.sums(channels, null, null)[0];
        for (int c = 0; c < channels; c++) {
            mean[c] /= m;
        }
        float[] meanRow = perPosition(mean, s);
        double[] var = v.sums(channels, null, meanRow)[0];
        for (int c = 0; c < channels; c++) {
            var[c] /= m;
        }
        return new double[][] {mean, var};
    }

    /** xHat = (x − mean)·invStd, y = gamma·xHat + beta, row by row. */
    static void normalize(INDArray x, double[] mean, double[] invStd, double[] gamma, double[] beta,
                          INDArray xHat, INDArray y) {
        View in = new View(x);
        View hat = new View(xHat);
        View out = new View(y);
        int s = in.width / mean.length;
        float[] meanRow = perPosition(mean, s);
        float[] invStdRow = perPosition(invStd, s);
        float[] gammaRow = perPosition(gamma, s);
        float[] betaRow = perPosition(beta, s);
        forRows(in.rows, in.width, (lo, hi) -> {
            int w = in.width;
            float[] row = new float[w];
            float[] res = new float[w];
            for (int r = lo; r < hi; r++) {
                in.read(r, row);
                for (int j = 0; j < w; j++) {
                    float h = (row[j] - meanRow[j]) * invStdRow[j];
                    row[j] = h;
                    res[j] = gammaRow[j] * h + betaRow[j];
                }
                hat.write(r, row);
                out.write(r, res);
            }
        });
    }

    /** Same contract as {@link BatchNormKernel#backward}, for float tensors. */
    static void backward(INDArray dY, INDArray xHat, double[] gamma, double[] invStd, boolean training,
                         INDArray dX, double[] dGamma, double[] dBeta) {
        int channels = gamma.length;
        View dy = new View(dY);
        View hat = new View(xHat);
        View out = new View(dX);
        int s = dy.width / channels;
        double[][] sums = dy.sumsWithWeights(channels, hat);
        System.arraycopy(sums[0], 0, dBeta, 0, channels);
        System.arraycopy(sums[1], 0, dGamma, 0, channels);
        double[][] k = BatchNormKernel.inputGradientCoefficients(gamma, invStd, dGamma, dBeta,
                (double) dy.rows * s, training);
        float[] scaleRow = perPosition(k[0], s);
        float[] shiftRow = perPosition(k[1], s);
        float[] slopeRow = perPosition(k[2], s);
        forRows(dy.rows, dy.width, (lo, hi) -> {
            int w = dy.width;
            float[] g = new float[w];
            float[] h = new float[w];
            for (int r = lo; r < hi; r++) {
                dy.read(r, g);
                hat.read(r, h);
                for (int j = 0; j < w; j++) {
                    g[j] = scaleRow[j] * g[j] + shiftRow[j] + slopeRow[j] * h[j];
                }
                out.write(r, g);
            }
        });
    }

    /** A contiguous float tensor as rows of its buffer. */
    private static final class View {
        final FloatBuffer buffer;
        final int offset;
        final int rows;
        final int width;

        View(INDArray a) {
            buffer = a.data().asNioFloat();
            offset = Math.toIntExact(a.offset());
            rows = (int) a.size(0);
            width = (int) (a.length() / rows);
        }

        void read(int r, float[] into) {
            buffer.get(offset + r * width, into, 0, width);
        }

        void write(int r, float[] from) {
            buffer.put(offset + r * width, from, 0, width);
        }

        /** Σ value and Σ value · weights per channel, in one pass over both tensors. */
        double[][] sumsWithWeights(int channels, View weights) {
            return sums(channels, weights, null);
        }

        private double[][] sums(int channels, View weights, float[] centre) {
            int parts = (long) rows * width >= PARALLEL_THRESHOLD ? 2 : 1;
            int count = weights == null ? 1 : 2;
            double[][][] partial = new double[parts][][];
            forRows(rows, width, (lo, hi) -> {
                int p = lo == 0 ? 0 : 1;
                float[] row = new float[width];
                float[] wrow = weights == null ? null : new float[width];
                float[] sum = new float[width];
                float[] lost = new float[width];
                float[] sum2 = weights == null ? null : new float[width];
                float[] lost2 = weights == null ? null : new float[width];
                for (int r = lo; r < hi; r++) {
                    read(r, row);
                    if (centre != null) {
                        for (int j = 0; j < width; j++) {
                            float d = row[j] - centre[j];
                            row[j] = d * d;
                        }
                    }
                    kahan(row, sum, lost, width);
                    if (weights != null) {
                        weights.read(r, wrow);
                        for (int j = 0; j < width; j++) {
                            wrow[j] *= row[j];
                        }
                        kahan(wrow, sum2, lost2, width);
                    }
                }
                double[][] perChannel = new double[count][channels];
                int s = width / channels;
                for (int j = 0; j < width; j++) {
                    perChannel[0][j / s] += (double) sum[j] - lost[j];
                    if (weights != null) {
                        perChannel[1][j / s] += (double) sum2[j] - lost2[j];
                    }
                }
                partial[p] = perChannel;
            });
            double[][] total = partial[0];
            for (int p = 1; p < parts; p++) {
                for (int k = 0; k < count; k++) {
                    for (int c = 0; c < channels; c++) {
                        total[k][c] += partial[p][k][c];
                    }
                }
            }
            return total;
        }
    }

    /** sum += values with Kahan compensation: 'lost' carries the low-order part each addition rounded away. */
    private static void kahan(float[] values, float[] sum, float[] lost, int n) {
        for (int j = 0; j < n; j++) {
            float y = values[j] - lost[j];
            float t = sum[j] + y;
            lost[j] = (t - sum[j]) - y;
            sum[j] = t;
        }
    }

    private interface RowRange {
        void run(int lo, int hi);
    }

    private static void forRows(int rows, int width, RowRange task) {
        if ((long) rows * width < PARALLEL_THRESHOLD) {
            task.run(0, rows);
            return;
        }
        IntStream.range(0, 2).parallel().forEach(p -> task.run(rows * p / 2, rows * (p + 1) / 2));
    }

    private static float[] perPosition(double[] perChannel, int s) {
        float[] row = new float[perChannel.length * s];
        for (int c = 0; c < perChannel.length; c++) {
            java.util.Arrays.fill(row, c * s, (c + 1) * s, (float) perChannel[c]);
        }
        return row;
    }
}
