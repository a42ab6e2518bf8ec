package bnlab.nn.kernel;

import bnlab.nn.Parameter;
import java.util.function.BooleanSupplier;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code bnlab.nn.BatchNorm} on an (N, C, S) view of the input (S = H·W, or 1 after a
 * fully-connected layer). Per channel: the batch mean and biased variance over its m = N·S
 * values (float vector sums over short runs, added up in double), handed to the layer (which
 * updates its moving averages),
 * x̂ = (x − μ)/√(σ² + ε) (or one of the {@link Normalization} lite forms) and y = γ·x̂ + β.
 * Inference mode normalizes with the moving statistics. Backward: dβ = Σ dY, dγ = Σ dY·x̂ and
 * dX = γ/√(σ² + ε)·(dY − dβ/m − x̂·dγ/m) (training) or γ/√(σ² + ε)·dY (inference). Channels
 * are split across cores.
 *
 * <p>After a convolution (S &gt; 1) the layer reads its input twice and writes y once: the
 * statistics come from one pass, as Σ (x − K) and Σ (x − K)² around K, the mean of the
 * channel's first S values (close to μ, so the subtraction σ² = E(x − K)² − (μ − K)² loses
 * nothing that matters), and x̂ is not kept but made again from x in backward, which then also
 * reads its inputs once for the sums and once for dX. Memory, not arithmetic, is what these
 * passes cost.
 */
public final class BatchNormKernel implements FastLayer {

    private static final Simd SIMD = Simd.get();

    /**
     * What stays with the layer: its checks (so both engines fail with the same message) and
     * what it keeps of a training batch's statistics (moving averages, or sums for Precise BN).
     */
    public interface Hooks {
        void enoughValues(long[] shape);

        void finite(String which, long[] shape, double[] mean, double[] var);

        void record(double[] mean, double[] var);
    }

    private final Parameter gamma;
    private final Parameter beta;
    private final INDArray movingMean;
    private final INDArray movingVar;
    private final double eps;
    private final Normalization kind;
    private final BooleanSupplier training;
    private final Hooks checks;
    private boolean lastTraining;
    private double[] batchMean;
    private float[] g;
    private float[] bt;
    private double[] invStd;
    /** Per channel, x̂ = (x − normMean)·normInvStd in float, as forward computed it (lite forms included). */
    private float[] normMean;
    private float[] normInvStd;
    private Tensor input;
    private Tensor xHat;
    private Tensor y;
    private Tensor dX;

    public BatchNormKernel(Parameter gamma, Parameter beta, INDArray movingMean, INDArray movingVar,
                           double eps, Normalization kind, BooleanSupplier training, Hooks hooks) {
        this.gamma = gamma;
        this.beta = beta;
        this.movingMean = movingMean;
        this.movingVar = movingVar;
        this.eps = eps;
        this.kind = kind;
        this.training = training;
        this.checks = hooks;
    }

    @Override
    public Tensor forward(Tensor x) {
        int channels = x.c;
        int s = x.plane();
        g = SmallArrays.readFloats(gamma.value(), g);
        bt = SmallArrays.readFloats(beta.value(), bt);
        lastTraining = training.getAsBoolean();
        double[] mean = new double[channels];
        double[] var = new double[channels];
        if (lastTraining) {
            checks.enoughValues(x.shape());
            double m = (double) x.n * s;
            if (s == 1) {
                rowStatistics(x.data, x.n, channels, mean, var);
            } else Parallel.forEach(channels, (long) x.n * s, (part, from, to) -> {
                double[] sums = new double[2];
                for (int c = from; c < to; c++) {
                    float centre = (float) (SIMD.sum(x.data, c * s, s, 1, s) / s);
                    SIMD.moments(x.data, c * s, s, x.n, channels * s, centre, sums);
                    double shift = sums[0] / m;
                    mean[c] = centre + shift;
                    var[c] = Math.max(0.0, sums[1] / m - shift * shift);
                }
            });
            checks.finite("batch", x.shape(), mean, var);
            checks.record(mean, var);
            batchMean = mean.clone();
        } else {
            float[] mm = SmallArrays.readFloats(movingMean, null);
            float[] mv = SmallArrays.readFloats(movingVar, null);
            for (int c = 0; c < channels; c++) {
                mean[c] = mm[c];
                var[c] = mv[c];
            }
            checks.finite("moving", x.shape(), mean, var);
        }
        invStd = new double[channels];
        for (int c = 0; c < channels; c++) {
            invStd[c] = kind.scale() ? 1.0 / Math.sqrt(var[c] + eps) : 1.0;
            mean[c] = kind.center() ? mean[c] : 0.0;
        }
        input = x;
        y = Tensor.reuseLike(y, x);
        if (s == 1) {
            xHat = Tensor.reuseLike(xHat, x);
            normalizeRows(x, mean);
            return y;
        }
        normMean = new float[channels];
        normInvStd = new float[channels];
        for (int c = 0; c < channels; c++) {
            normMean[c] = (float) mean[c];
            normInvStd[c] = (float) invStd[c];
        }
        Parallel.forEach(channels, (long) x.n * s, (part, from, to) -> {
            for (int c = from; c < to; c++) {
                for (int e = 0; e < x.n; e++) {
                    SIMD.normalize(x.data, null, y.data, (e * channels + c) * s, s, normMean[c], normInvStd[c], g[c], bt[c]);
                }
            }
        });
        return y;
    }

    @Override
    public Tensor backward(Tensor dY) {
        if (input == null) {
            throw new IllegalStateException("BatchNorm.backward called before forward");
        }
        int channels = dY.c;
        int s = dY.plane();
        int n = dY.n;
        double m = (double) n * s;
        float[] dGamma = new float[channels];
        float[] dBeta = new float[channels];
        dX = Tensor.reuseLike(dX, dY);
        if (s == 1) {
            backwardRows(dY, dGamma, dBeta);
            SmallArrays.writeFloats(dGamma, gamma.grad());
            SmallArrays.writeFloats(dBeta, beta.grad());
            return dX;
        }
        float[] x = input.data;
        Parallel.forEach(channels, (long) n * s * 2, (part, from, to) -> {
            double[] sums = new double[2];
            for (int c = from; c < to; c++) {
                SIMD.gradientSums(dY.data, x, c * s, s, n, channels * s, normMean[c], sums);
                double sumDy = sums[0];
                double sumDyXHat = sums[1] * normInvStd[c];
                dBeta[c] = (float) sumDy;
                dGamma[c] = (float) sumDyXHat;
                double[][] k = coefficients(c, sumDy, sumDyXHat, m);
                for (int e = 0; e < n; e++) {
                    SIMD.inputGradient(dY.data, x, dX.data, (e * channels + c) * s, s,
                            (float) k[0][0], (float) k[1][0], (float) k[2][0], normMean[c], normInvStd[c]);
                }
            }
        });
        SmallArrays.writeFloats(dGamma, gamma.grad());
        SmallArrays.writeFloats(dBeta, beta.grad());
        return dX;
    }

    /*
     * After a fully-connected layer (S = 1) the input is N rows of C values: each channel is a
     * column, so the loops run along rows with one vector lane per channel.
     */

    /** Per-column mean and biased variance of an (n, c) row-major matrix, two passes. */
    private static void rowStatistics(float[] x, int n, int c, double[] mean, double[] var) {
        float[] sum = new float[c];
        for (int e = 0; e < n; e++) {
            SIMD.addColumns(sum, x, e * c, c, null, 0);
        }
        float[] centre = new float[c];
        for (int j = 0; j < c; j++) {
            mean[j] = (double) sum[j] / n;
            centre[j] = (float) mean[j];
        }
        java.util.Arrays.fill(sum, 0f);
        for (int e = 0; e < n; e++) {
            SIMD.addColumns(sum, x, e * c, c, centre, 0);
        }
        for (int j = 0; j < c; j++) {
            var[j] = (double) sum[j] / n;
        }
    }

    private void normalizeRows(Tensor x, double[] mean) {
        int c = x.c;
        float[] mu = new float[c];
        float[] is = new float[c];
        for (int j = 0; j < c; j++) {
            mu[j] = (float) mean[j];
            is[j] = (float) invStd[j];
        }
        for (int e = 0; e < x.n; e++) {
            SIMD.normalizeColumns(x.data, xHat.data, y.data, e * c, c, mu, is, g, bt, 0);
        }
    }

    private void backwardRows(Tensor dY, float[] dGamma, float[] dBeta) {
        int c = dY.c;
        int n = dY.n;
        for (int e = 0; e < n; e++) {
            SIMD.gradientSumColumns(dY.data, xHat.data, e * c, c, dBeta, dGamma, 0);
        }
        float[] scale = new float[c];
        float[] shift = new float[c];
        float[] slope = new float[c];
        for (int j = 0; j < c; j++) {
            double[][] k = coefficients(j, dBeta[j], dGamma[j], n);
            scale[j] = (float) k[0][0];
            shift[j] = (float) k[1][0];
            slope[j] = (float) k[2][0];
        }
        for (int e = 0; e < n; e++) {
            SIMD.inputGradientColumns(dY.data, xHat.data, dX.data, e * c, c, scale, shift, slope, 0);
        }
    }

    /** Channel c's dX = scale·dY + shift + slope·x̂ coefficients, as {@link Normalization} defines them. */
    private double[][] coefficients(int c, double sumDy, double sumDyXHat, double m) {
        return kind.inputGradientCoefficients(new double[] {g[c]}, new double[] {invStd[c]},
                new double[] {sumDyXHat}, new double[] {sumDy}, m, lastTraining,
                new double[] {batchMean == null ? 0 : batchMean[c]});
    }

    @Override
    public String toString() {
        return "BatchNormKernel(eps=" + eps + ", " + kind + ")";
    }
}
