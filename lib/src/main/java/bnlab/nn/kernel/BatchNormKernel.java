package bnlab.nn.kernel;

import bnlab.nn.Parameter;
import java.util.function.BooleanSupplier;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code bnlab.nn.BatchNorm} on an (N, C, S) view of the input (S = H·W, or 1 after a
 * fully-connected layer). Per channel: the batch mean and biased variance over its m = N·S
 * values (two passes; float vector sums over short runs, added up in double), handed to the layer (which updates its moving
 * averages), x̂ = (x − μ)/√(σ² + ε) (or one of the {@link Normalization} lite forms) and
 * y = γ·x̂ + β. Inference mode normalizes with the moving statistics. Backward: dβ = Σ dY,
 * dγ = Σ dY·x̂ and dX = γ/√(σ² + ε)·(dY − dβ/m − x̂·dγ/m) (training) or γ/√(σ² + ε)·dY
 * (inference). Channels are split across cores.
 */
public final class BatchNormKernel implements FastLayer {

    private static final VectorSpecies<Float> S = Gemm.S;

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
            } else Parallel.forEach(channels, (long) x.n * s * 2, (part, from, to) -> {
                for (int c = from; c < to; c++) {
                    double sum = 0;
                    for (int e = 0; e < x.n; e++) {
                        sum += Gemm.sum(x.data, (e * channels + c) * s, s);
                    }
                    mean[c] = sum / m;
                    float centre = (float) mean[c];
                    double sq = 0;
                    for (int e = 0; e < x.n; e++) {
                        sq += squaredDeviations(x.data, (e * channels + c) * s, s, centre);
                    }
                    var[c] = sq / m;
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
        xHat = Tensor.reuseLike(xHat, x);
        y = Tensor.reuseLike(y, x);
        if (s == 1) {
            normalizeRows(x, mean);
            return y;
        }
        Parallel.forEach(channels, (long) x.n * s, (part, from, to) -> {
            for (int c = from; c < to; c++) {
                float mu = (float) mean[c];
                float is = (float) invStd[c];
                for (int e = 0; e < x.n; e++) {
                    normalize(x.data, xHat.data, y.data, (e * channels + c) * s, s, mu, is, g[c], bt[c]);
                }
            }
        });
        return y;
    }

    @Override
    public Tensor backward(Tensor dY) {
        if (xHat == null) {
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
        Parallel.forEach(channels, (long) n * s * 2, (part, from, to) -> {
            for (int c = from; c < to; c++) {
                double sumDy = 0;
                double sumDyXHat = 0;
                for (int e = 0; e < n; e++) {
                    int at = (e * channels + c) * s;
                    sumDy += Gemm.sum(dY.data, at, s);
                    sumDyXHat += Gemm.dot(s, dY.data, at, xHat.data, at);
                }
                dBeta[c] = (float) sumDy;
                dGamma[c] = (float) sumDyXHat;
                double[][] k = coefficients(c, sumDy, sumDyXHat, m);
                for (int e = 0; e < n; e++) {
                    inputGradient(dY.data, xHat.data, dX.data, (e * channels + c) * s, s,
                            (float) k[0][0], (float) k[1][0], (float) k[2][0]);
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
            addRow(sum, x, e * c, c, null);
        }
        float[] centre = new float[c];
        for (int j = 0; j < c; j++) {
            mean[j] = (double) sum[j] / n;
            centre[j] = (float) mean[j];
        }
        java.util.Arrays.fill(sum, 0f);
        for (int e = 0; e < n; e++) {
            addRow(sum, x, e * c, c, centre);
        }
        for (int j = 0; j < c; j++) {
            var[j] = (double) sum[j] / n;
        }
    }

    /** acc += row, or acc += (row − centre)² when {@code centre} is given. */
    static void addRow(float[] acc, float[] x, int off, int c, float[] centre) {
        int j = 0;
        for (int bound = S.loopBound(c); j < bound; j += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, off + j);
            FloatVector a = FloatVector.fromArray(S, acc, j);
            if (centre != null) {
                v = v.sub(FloatVector.fromArray(S, centre, j));
                a = v.fma(v, a);
            } else {
                a = a.add(v);
            }
            a.intoArray(acc, j);
        }
        for (; j < c; j++) {
            float v = centre == null ? x[off + j] : x[off + j] - centre[j];
            acc[j] = centre == null ? acc[j] + v : Math.fma(v, v, acc[j]);
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
            int off = e * c;
            int j = 0;
            for (int bound = S.loopBound(c); j < bound; j += S.length()) {
                FloatVector h = FloatVector.fromArray(S, x.data, off + j).sub(FloatVector.fromArray(S, mu, j))
                        .mul(FloatVector.fromArray(S, is, j));
                h.intoArray(xHat.data, off + j);
                h.fma(FloatVector.fromArray(S, g, j), FloatVector.fromArray(S, bt, j)).intoArray(y.data, off + j);
            }
            for (; j < c; j++) {
                float h = (x.data[off + j] - mu[j]) * is[j];
                xHat.data[off + j] = h;
                y.data[off + j] = Math.fma(h, g[j], bt[j]);
            }
        }
    }

    private void backwardRows(Tensor dY, float[] dGamma, float[] dBeta) {
        int c = dY.c;
        int n = dY.n;
        for (int e = 0; e < n; e++) {
            int off = e * c;
            int j = 0;
            for (int bound = S.loopBound(c); j < bound; j += S.length()) {
                FloatVector d = FloatVector.fromArray(S, dY.data, off + j);
                FloatVector.fromArray(S, dBeta, j).add(d).intoArray(dBeta, j);
                d.fma(FloatVector.fromArray(S, xHat.data, off + j), FloatVector.fromArray(S, dGamma, j)).intoArray(dGamma, j);
            }
            for (; j < c; j++) {
                dBeta[j] += dY.data[off + j];
                dGamma[j] = Math.fma(dY.data[off + j], xHat.data[off + j], dGamma[j]);
            }
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
            int off = e * c;
            int j = 0;
            for (int bound = S.loopBound(c); j < bound; j += S.length()) {
                FloatVector d = FloatVector.fromArray(S, dY.data, off + j);
                FloatVector h = FloatVector.fromArray(S, xHat.data, off + j);
                d.fma(FloatVector.fromArray(S, scale, j), h.fma(FloatVector.fromArray(S, slope, j),
                        FloatVector.fromArray(S, shift, j))).intoArray(dX.data, off + j);
            }
            for (; j < c; j++) {
                dX.data[off + j] = Math.fma(dY.data[off + j], scale[j], Math.fma(xHat.data[off + j], slope[j], shift[j]));
            }
        }
    }

    /** Channel c's dX = scale·dY + shift + slope·x̂ coefficients, as {@link Normalization} defines them. */
    private double[][] coefficients(int c, double sumDy, double sumDyXHat, double m) {
        return kind.inputGradientCoefficients(new double[] {g[c]}, new double[] {invStd[c]},
                new double[] {sumDyXHat}, new double[] {sumDy}, m, lastTraining,
                new double[] {batchMean == null ? 0 : batchMean[c]});
    }

    /** Σ (x − centre)² over x[off, off + len). */
    static double squaredDeviations(float[] x, int off, int len, float centre) {
        FloatVector acc = FloatVector.zero(S);
        FloatVector mu = FloatVector.broadcast(S, centre);
        int i = 0;
        for (int bound = S.loopBound(len); i < bound; i += S.length()) {
            FloatVector d = FloatVector.fromArray(S, x, off + i).sub(mu);
            acc = d.fma(d, acc);
        }
        double sum = VectorMath.sumLanes(acc);
        for (; i < len; i++) {
            double d = x[off + i] - centre;
            sum += d * d;
        }
        return sum;
    }

    static void normalize(float[] x, float[] xHat, float[] y, int off, int len, float mean,
                                  float invStd, float gamma, float beta) {
        int i = 0;
        FloatVector mu = FloatVector.broadcast(S, mean);
        FloatVector is = FloatVector.broadcast(S, invStd);
        FloatVector ga = FloatVector.broadcast(S, gamma);
        FloatVector be = FloatVector.broadcast(S, beta);
        for (int bound = S.loopBound(len); i < bound; i += S.length()) {
            FloatVector h = FloatVector.fromArray(S, x, off + i).sub(mu).mul(is);
            h.intoArray(xHat, off + i);
            h.fma(ga, be).intoArray(y, off + i);
        }
        for (; i < len; i++) {
            float h = (x[off + i] - mean) * invStd;
            xHat[off + i] = h;
            y[off + i] = Math.fma(h, gamma, beta);
        }
    }

    /** dX = scale·dY + shift + slope·x̂ over [off, off + len). */
    static void inputGradient(float[] dY, float[] xHat, float[] dX, int off, int len, float scale,
                                      float shift, float slope) {
        int i = 0;
        FloatVector a = FloatVector.broadcast(S, scale);
        FloatVector b = FloatVector.broadcast(S, shift);
        FloatVector k = FloatVector.broadcast(S, slope);
        for (int bound = S.loopBound(len); i < bound; i += S.length()) {
            FloatVector d = FloatVector.fromArray(S, dY, off + i);
            FloatVector h = FloatVector.fromArray(S, xHat, off + i);
            d.fma(a, h.fma(k, b)).intoArray(dX, off + i);
        }
        for (; i < len; i++) {
            dX[off + i] = Math.fma(dY[off + i], scale, Math.fma(xHat[off + i], slope, shift));
        }
    }

    @Override
    public String toString() {
        return "BatchNormKernel(eps=" + eps + ", " + kind + ")";
    }
}
