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
        double[] mean = v.sumPerChannel(channels, null, null, false);
        for (int c = 0; c < channels; c++) {
            mean[c] /= m;
        }
        float[] meanRow = perPosition(mean, s);
        double[] var = v.sumPerChannel(channels, meanRow, null, true);
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
        double[] sumBeta = dy.sumPerChannel(channels, null, null, false);
        double[] sumGamma = dy.sumPerChannel(channels, null, hat, false);
        System.arraycopy(sumBeta, 0, dBeta, 0, channels);
        System.arraycopy(sumGamma, 0, dGamma, 0, channels);
        double m = (double) dy.rows * s;
        double[] scale = new double[channels];
        double[] shift = new double[channels];
        double[] slope = new double[channels];
        for (int c = 0; c < channels; c++) {
            scale[c] = gamma[c] * invStd[c];
            shift[c] = training ? -scale[c] * dBeta[c] / m : 0;
            slope[c] = training ? -scale[c] * dGamma[c] / m : 0;
        }
        float[] scaleRow = perPosition(scale, s);
        float[] shiftRow = perPosition(shift, s);
        float[] slopeRow = perPosition(slope, s);
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

        /**
         * Per channel, Σ over rows and positions of: the value (no centre, no weights), or
         * (value − centre)² with {@code squares}, or value · weights when {@code weights} is given.
         */
        double[] sumPerChannel(int channels, float[] centre, View weights, boolean squares) {
            int parts = (long) rows * width >= PARALLEL_THRESHOLD ? 2 : 1;
            double[][] partial = new double[parts][];
            forRows(rows, width, (lo, hi) -> {
                int p = lo == 0 ? 0 : 1;
                float[] row = new float[width];
                float[] wrow = weights == null ? null : new float[width];
                float[] sum = new float[width];
                float[] lost = new float[width];
                for (int r = lo; r < hi; r++) {
                    read(r, row);
                    if (squares) {
                        for (int j = 0; j < width; j++) {
                            float d = row[j] - centre[j];
                            row[j] = d * d;
                        }
                    } else if (weights != null) {
                        weights.read(r, wrow);
                        for (int j = 0; j < width; j++) {
                            row[j] *= wrow[j];
                        }
                    }
                    // Kahan: 'lost' carries the low-order part each addition rounded away.
                    for (int j = 0; j < width; j++) {
                        float y = row[j] - lost[j];
                        float t = sum[j] + y;
                        lost[j] = (t - sum[j]) - y;
                        sum[j] = t;
                    }
                }
                double[] perChannel = new double[channels];
                int s = width / channels;
                for (int j = 0; j < width; j++) {
                    perChannel[j / s] += (double) sum[j] - lost[j];
                }
                partial[p] = perChannel;
            });
            double[] total = partial[0];
            for (int p = 1; p < parts; p++) {
                for (int c = 0; c < channels; c++) {
                    total[c] += partial[p][c];
                }
            }
            return total;
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
