package bnlab.nn.kernel;

import bnlab.nn.Parameter;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Batch norm over ghost (virtual) batches of consecutive examples, with an optional correction:
 * the twin of {@code bnlab.nn.GhostBatchNorm} (virtual batches of v examples, no correction) and
 * of {@code bnlab.nn.BatchRenorm} (one virtual batch = the whole batch, correction r, d). The
 * input is (N, C, S), S = H·W or 1. In training mode, per virtual batch k and channel c: the
 * mean μ and biased variance σ² over its values (float vector sums over short runs, added up in double) go to the layer, which keeps
 * what it needs (moving averages) and answers with the normalization x̂ = (x − μ)·s·r + d,
 * s = 1/√(σ² + ε); y = γ·x̂ + β. Inference mode uses the layer's moving statistics (one
 * virtual batch, r = 1, d = 0).
 *
 * <p>Backward per (k, c), m values, r and d constants (no gradient flows through them): with
 * u = (x − μ)·s = (x̂ − d)/r, dX = γ·r·s·(dY − mean(dY) − u·mean(dY·u)), which is
 * dX = a·dY + shift + slope·x̂ with a = γ·r·s, slope = −a·mean(dY·u)/r, shift = −a·mean(dY) − slope·d
 * (plain batch norm's coefficients when r = 1, d = 0); in inference mode dX = a·dY.
 * dγ = Σ dY·x̂ and dβ = Σ dY over all virtual batches.
 */
public final class GhostBatchNormKernel implements FastLayer {

    private static final VectorSpecies<Float> S = Gemm.S;

    /** What normalizes virtual batch k, channel c: x̂ = (x − mean)·invStd·r + d. */
    public record Normalizer(double[][] mean, double[][] invStd, double[][] r, double[][] d) {

        /** Plain batch norm of each virtual batch: invStd = 1/√(σ² + ε), r = 1, d = 0. */
        public static Normalizer plain(double[][] mean, double[][] var, double eps) {
            double[][] invStd = new double[mean.length][];
            double[][] r = new double[mean.length][];
            double[][] d = new double[mean.length][];
            for (int k = 0; k < mean.length; k++) {
                invStd[k] = new double[mean[k].length];
                for (int c = 0; c < invStd[k].length; c++) {
                    invStd[k][c] = 1.0 / Math.sqrt(var[k][c] + eps);
                }
                r[k] = new double[mean[k].length];
                Arrays.fill(r[k], 1.0);
                d[k] = new double[mean[k].length];
            }
            return new Normalizer(mean, invStd, r, d);
        }
    }

    /** What stays with the layer: the mode, the virtual batch size, its checks and its bookkeeping. */
    public interface Hooks {
        boolean training();

        /** Examples per virtual batch for a training batch of n examples. */
        int virtualBatch(int n);

        /** Training: statistics per [virtual batch][channel] in, normalization out. */
        Normalizer training(long[] shape, double[][] mean, double[][] var);

        /** Inference: the moving statistics, as one virtual batch. */
        Normalizer inference(long[] shape);
    }

    private final Parameter gamma;
    private final Parameter beta;
    private final Hooks hooks;
    private boolean inputGradientNeeded = true;
    private boolean lastTraining;
    private int virtualBatch;
    private Normalizer norm;
    private float[] g;
    private float[] b;
    private Tensor xHat;
    private Tensor y;
    private Tensor dX;

    public GhostBatchNormKernel(Parameter gamma, Parameter beta, Hooks hooks) {
        this.gamma = gamma;
        this.beta = beta;
        this.hooks = hooks;
    }

    @Override
    public Tensor forward(Tensor x) {
        g = SmallArrays.readFloats(gamma.value(), g);
        b = SmallArrays.readFloats(beta.value(), b);
        lastTraining = hooks.training();
        virtualBatch = lastTraining ? hooks.virtualBatch(x.n) : x.n;
        if (lastTraining) {
            int k = (x.n + virtualBatch - 1) / virtualBatch;
            double[][] mean = new double[k][x.c];
            double[][] var = new double[k][x.c];
            if (x.plane() == 1) {
                rowStatistics(x, mean, var);
            } else {
                channelStatistics(x, mean, var);
            }
            norm = hooks.training(x.shape(), mean, var);
        } else {
            norm = hooks.inference(x.shape());
        }
        xHat = Tensor.reuseLike(xHat, x);
        y = Tensor.reuseLike(y, x);
        if (x.plane() == 1) {
            normalizeRows(x);
        } else {
            normalizeChannels(x);
        }
        return y;
    }

    @Override
    public Tensor backward(Tensor dY) {
        if (xHat == null) {
            throw new IllegalStateException("backward called before forward");
        }
        float[] dGamma = new float[dY.c];
        float[] dBeta = new float[dY.c];
        dX = inputGradientNeeded ? Tensor.reuseLike(dX, dY) : null;
        if (dY.plane() == 1) {
            backwardRows(dY, dGamma, dBeta);
        } else {
            backwardChannels(dY, dGamma, dBeta);
        }
        SmallArrays.writeFloats(dGamma, gamma.grad());
        SmallArrays.writeFloats(dBeta, beta.grad());
        return dX;
    }

    @Override
    public void inputGradientNotNeeded() {
        inputGradientNeeded = false;
    }

    private int first(int k) {
        return k * virtualBatch;
    }

    private int end(int k, int n) {
        return Math.min(n, (k + 1) * virtualBatch);
    }

    /** (N, C, S) with S > 1: channel c of example e is the run of S floats at (e·C + c)·S; channels split across cores. */
    private void channelStatistics(Tensor x, double[][] mean, double[][] var) {
        int channels = x.c;
        int s = x.plane();
        Parallel.forEach(channels, 2L * x.n * s, (part, from, to) -> {
            for (int c = from; c < to; c++) {
                for (int k = 0; k < mean.length; k++) {
                    double m = (double) (end(k, x.n) - first(k)) * s;
                    double sum = 0;
                    for (int e = first(k); e < end(k, x.n); e++) {
                        sum += Gemm.sum(x.data, (e * channels + c) * s, s);
                    }
                    mean[k][c] = sum / m;
                    double sq = 0;
                    for (int e = first(k); e < end(k, x.n); e++) {
                        sq += BatchNormKernel.squaredDeviations(x.data, (e * channels + c) * s, s, (float) mean[k][c]);
                    }
                    var[k][c] = sq / m;
                }
            }
        });
    }

    /** (N, C): channels are columns, so sums run along rows with one vector lane per channel. */
    private void rowStatistics(Tensor x, double[][] mean, double[][] var) {
        int c = x.c;
        float[] acc = new float[c];
        float[] centre = new float[c];
        for (int k = 0; k < mean.length; k++) {
            int m = end(k, x.n) - first(k);
            Arrays.fill(acc, 0f);
            for (int e = first(k); e < end(k, x.n); e++) {
                BatchNormKernel.addRow(acc, x.data, e * c, c, null);
            }
            for (int j = 0; j < c; j++) {
                mean[k][j] = (double) acc[j] / m;
                centre[j] = (float) mean[k][j];
            }
            Arrays.fill(acc, 0f);
            for (int e = first(k); e < end(k, x.n); e++) {
                BatchNormKernel.addRow(acc, x.data, e * c, c, centre);
            }
            for (int j = 0; j < c; j++) {
                var[k][j] = (double) acc[j] / m;
            }
        }
    }

    /** x̂ = (x − μ)·s·r + d written as (x − centre)·scale, scale = s·r, centre = μ − d/scale. */
    private float scale(int k, int c) {
        return (float) (norm.invStd()[k][c] * norm.r()[k][c]);
    }

    private float centre(int k, int c) {
        return (float) (norm.mean()[k][c] - norm.d()[k][c] / (norm.invStd()[k][c] * norm.r()[k][c]));
    }

    private void normalizeChannels(Tensor x) {
        int channels = x.c;
        int s = x.plane();
        int groups = norm.mean().length;
        Parallel.forEach(channels, (long) x.n * s, (part, from, to) -> {
            for (int c = from; c < to; c++) {
                for (int k = 0; k < groups; k++) {
                    float mu = centre(k, c);
                    float sc = scale(k, c);
                    for (int e = first(k); e < end(k, x.n); e++) {
                        BatchNormKernel.normalize(x.data, xHat.data, y.data, (e * channels + c) * s, s, mu, sc, g[c], b[c]);
                    }
                }
            }
        });
    }

    private void normalizeRows(Tensor x) {
        int c = x.c;
        float[] mu = new float[c];
        float[] sc = new float[c];
        for (int k = 0; k < norm.mean().length; k++) {
            for (int j = 0; j < c; j++) {
                mu[j] = centre(k, j);
                sc[j] = scale(k, j);
            }
            for (int e = first(k); e < end(k, x.n); e++) {
                normalizeRow(x.data, e * c, c, mu, sc);
            }
        }
    }

    private void normalizeRow(float[] x, int off, int c, float[] mu, float[] sc) {
        int j = 0;
        for (int bound = S.loopBound(c); j < bound; j += S.length()) {
            FloatVector h = FloatVector.fromArray(S, x, off + j).sub(FloatVector.fromArray(S, mu, j))
                    .mul(FloatVector.fromArray(S, sc, j));
            h.intoArray(xHat.data, off + j);
            h.fma(FloatVector.fromArray(S, g, j), FloatVector.fromArray(S, b, j)).intoArray(y.data, off + j);
        }
        for (; j < c; j++) {
            float h = (x[off + j] - mu[j]) * sc[j];
            xHat.data[off + j] = h;
            y.data[off + j] = Math.fma(h, g[j], b[j]);
        }
    }

    /** {a, shift, slope} of dX = a·dY + shift + slope·x̂ for virtual batch k, channel c (class comment). */
    private double[] coefficients(int k, int c, double sumDy, double sumDyXHat, double m) {
        double r = norm.r()[k][c];
        double d = norm.d()[k][c];
        double a = g[c] * r * norm.invStd()[k][c];
        if (!lastTraining) {
            return new double[] {a, 0, 0};
        }
        double meanDyU = (sumDyXHat - d * sumDy) / (r * m);
        double slope = -a * meanDyU / r;
        return new double[] {a, -a * sumDy / m - slope * d, slope};
    }

    private void backwardChannels(Tensor dY, float[] dGamma, float[] dBeta) {
        int channels = dY.c;
        int s = dY.plane();
        int groups = norm.mean().length;
        Parallel.forEach(channels, 2L * dY.n * s, (part, from, to) -> {
            for (int c = from; c < to; c++) {
                double dg = 0;
                double db = 0;
                for (int k = 0; k < groups; k++) {
                    double sumDy = 0;
                    double sumDyXHat = 0;
                    for (int e = first(k); e < end(k, dY.n); e++) {
                        int at = (e * channels + c) * s;
                        sumDy += Gemm.sum(dY.data, at, s);
                        sumDyXHat += Gemm.dot(s, dY.data, at, xHat.data, at);
                    }
                    dg += sumDyXHat;
                    db += sumDy;
                    if (dX == null) {
                        continue;
                    }
                    double[] k3 = coefficients(k, c, sumDy, sumDyXHat, (double) (end(k, dY.n) - first(k)) * s);
                    for (int e = first(k); e < end(k, dY.n); e++) {
                        BatchNormKernel.inputGradient(dY.data, xHat.data, dX.data, (e * channels + c) * s, s,
                                (float) k3[0], (float) k3[1], (float) k3[2]);
                    }
                }
                dGamma[c] = (float) dg;
                dBeta[c] = (float) db;
            }
        });
    }

    private void backwardRows(Tensor dY, float[] dGamma, float[] dBeta) {
        int c = dY.c;
        float[] sumDy = new float[c];
        float[] sumDyXHat = new float[c];
        float[] a = new float[c];
        float[] shift = new float[c];
        float[] slope = new float[c];
        double[] dg = new double[c];
        double[] db = new double[c];
        for (int k = 0; k < norm.mean().length; k++) {
            Arrays.fill(sumDy, 0f);
            Arrays.fill(sumDyXHat, 0f);
            for (int e = first(k); e < end(k, dY.n); e++) {
                addGradientSums(dY.data, e * c, c, sumDy, sumDyXHat);
            }
            for (int j = 0; j < c; j++) {
                dg[j] += sumDyXHat[j];
                db[j] += sumDy[j];
                double[] k3 = coefficients(k, j, sumDy[j], sumDyXHat[j], end(k, dY.n) - first(k));
                a[j] = (float) k3[0];
                shift[j] = (float) k3[1];
                slope[j] = (float) k3[2];
            }
            for (int e = first(k); dX != null && e < end(k, dY.n); e++) {
                gradientRow(dY.data, e * c, c, a, shift, slope);
            }
        }
        for (int j = 0; j < c; j++) {
            dGamma[j] = (float) dg[j];
            dBeta[j] = (float) db[j];
        }
    }

    /** sumDy += dY row, sumDyXHat += dY·x̂ row. */
    private void addGradientSums(float[] dY, int off, int c, float[] sumDy, float[] sumDyXHat) {
        int j = 0;
        for (int bound = S.loopBound(c); j < bound; j += S.length()) {
            FloatVector d = FloatVector.fromArray(S, dY, off + j);
            FloatVector.fromArray(S, sumDy, j).add(d).intoArray(sumDy, j);
            d.fma(FloatVector.fromArray(S, xHat.data, off + j), FloatVector.fromArray(S, sumDyXHat, j)).intoArray(sumDyXHat, j);
        }
        for (; j < c; j++) {
            sumDy[j] += dY[off + j];
            sumDyXHat[j] = Math.fma(dY[off + j], xHat.data[off + j], sumDyXHat[j]);
        }
    }

    /** dX row = a·dY + shift + slope·x̂, per channel. */
    private void gradientRow(float[] dY, int off, int c, float[] a, float[] shift, float[] slope) {
        int j = 0;
        for (int bound = S.loopBound(c); j < bound; j += S.length()) {
            FloatVector d = FloatVector.fromArray(S, dY, off + j);
            FloatVector h = FloatVector.fromArray(S, xHat.data, off + j);
            d.fma(FloatVector.fromArray(S, a, j), h.fma(FloatVector.fromArray(S, slope, j), FloatVector.fromArray(S, shift, j)))
                    .intoArray(dX.data, off + j);
        }
        for (; j < c; j++) {
            dX.data[off + j] = Math.fma(dY[off + j], a[j], Math.fma(xHat.data[off + j], slope[j], shift[j]));
        }
    }

    @Override
    public String toString() {
        return "GhostBatchNormKernel";
    }
}
