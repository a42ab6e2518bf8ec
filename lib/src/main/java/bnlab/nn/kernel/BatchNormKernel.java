package bnlab.nn.kernel;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast twin of every batch norm of {@code bnlab.nn} ({@code BatchNorm} and its lite forms,
 * {@code GhostBatchNorm}, {@code BatchRenorm}): batch statistics over virtual batches of
 * consecutive examples, normalization as a {@link BatchNormalizer} says, on an (N, C, S) view of
 * the input (S = H·W, or 1 after a fully-connected layer).
 *
 * <p>Training mode, per virtual batch k and channel c: the mean μ and biased variance σ² over its
 * m values (two passes; float vector sums over short runs, added up in double) go to the layer,
 * which checks them, keeps what it needs (moving averages) and answers with the normalizer;
 * x̂ = (x − centre)·s·r + d and y = γ·x̂ + β. Inference mode asks the layer for the normalizer of
 * its moving statistics. Backward: dβ = Σ dY, dγ = Σ dY·x̂ (over all virtual batches), and
 * dX = a·dY + shift + slope·(x̂ − d) per (k, c) with the coefficients of
 * {@link BatchNormalizer#gradient}.
 *
 * <p>Two loop shapes: with S &gt; 1 a channel of an example is a run of S floats and channels are
 * split across cores; with S = 1 channels are the columns of an (N, C) matrix and one vector lane
 * holds one channel.
 */
public final class BatchNormKernel implements FastLayer {

    private static final VectorSpecies<Float> S = Gemm.S;

    /** What stays with the layer: its mode, its virtual batch size, its checks and its bookkeeping. */
    public interface Hooks {
        boolean training();

        /** Examples per virtual batch for a training batch of n examples (n: one virtual batch). */
        int virtualBatch(int n);

        /** Training: statistics per [virtual batch][channel] in (checked by the layer), normalizer out. */
        BatchNormalizer training(long[] shape, double[][] mean, double[][] var);

        /** Inference: the normalizer of the moving statistics (one virtual batch). */
        BatchNormalizer inference(long[] shape);
    }

    private final TrainedArray gamma;
    private final TrainedArray beta;
    private final Hooks hooks;
    private boolean inputGradientNeeded = true;
    private boolean lastTraining;
    private int virtualBatch;
    private BatchNormalizer norm;
    private float[] g;
    private float[] b;
    private Tensor xHat;
    private Tensor y;
    private Tensor dX;

    public BatchNormKernel(TrainedArray gamma, TrainedArray beta, Hooks hooks) {
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
            int k = BatchNormalizer.count(x.n, virtualBatch);
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
        return BatchNormalizer.first(k, virtualBatch);
    }

    private int end(int k, int n) {
        return BatchNormalizer.end(k, virtualBatch, n);
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
                        sq += squaredDeviations(x.data, (e * channels + c) * s, s, (float) mean[k][c]);
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
                addRow(acc, x.data, e * c, c, null);
            }
            for (int j = 0; j < c; j++) {
                mean[k][j] = (double) acc[j] / m;
                centre[j] = (float) mean[k][j];
            }
            Arrays.fill(acc, 0f);
            for (int e = first(k); e < end(k, x.n); e++) {
                addRow(acc, x.data, e * c, c, centre);
            }
            for (int j = 0; j < c; j++) {
                var[k][j] = (double) acc[j] / m;
            }
        }
    }

    private void normalizeChannels(Tensor x) {
        int channels = x.c;
        int s = x.plane();
        int groups = norm.groups();
        Parallel.forEach(channels, (long) x.n * s, (part, from, to) -> {
            for (int c = from; c < to; c++) {
                for (int k = 0; k < groups; k++) {
                    float mu = (float) norm.shiftedCentre(k, c);
                    float sc = (float) norm.factor(k, c);
                    for (int e = first(k); e < end(k, x.n); e++) {
                        normalize(x.data, xHat.data, y.data, (e * channels + c) * s, s, mu, sc, g[c], b[c]);
                    }
                }
            }
        });
    }

    private void normalizeRows(Tensor x) {
        int c = x.c;
        float[] mu = new float[c];
        float[] sc = new float[c];
        for (int k = 0; k < norm.groups(); k++) {
            for (int j = 0; j < c; j++) {
                mu[j] = (float) norm.shiftedCentre(k, j);
                sc[j] = (float) norm.factor(k, j);
            }
            for (int e = first(k); e < end(k, x.n); e++) {
                normalizeRow(x.data, e * c, c, mu, sc);
            }
        }
    }

    private void backwardChannels(Tensor dY, float[] dGamma, float[] dBeta) {
        int channels = dY.c;
        int s = dY.plane();
        int groups = norm.groups();
        Parallel.forEach(channels, 2L * dY.n * s, (part, from, to) -> {
            for (int c = from; c < to; c++) {
                double dg = 0;
                double db = 0;
                for (int k = 0; k < groups; k++) {
                    float d = (float) norm.d()[k][c];
                    double sumDy = 0;
                    double sumDyCentred = 0;
                    for (int e = first(k); e < end(k, dY.n); e++) {
                        int at = (e * channels + c) * s;
                        sumDy += Gemm.sum(dY.data, at, s);
                        sumDyCentred += d == 0 ? Gemm.dot(s, dY.data, at, xHat.data, at)
                                : dotCentred(dY.data, xHat.data, at, s, d);
                    }
                    dg += sumDyCentred + d * sumDy;
                    db += sumDy;
                    if (dX == null) {
                        continue;
                    }
                    double[] k3 = norm.gradient(k, c, g[c], sumDy, sumDyCentred, (double) (end(k, dY.n) - first(k)) * s,
                            lastTraining);
                    for (int e = first(k); e < end(k, dY.n); e++) {
                        inputGradient(dY.data, xHat.data, dX.data, (e * channels + c) * s, s,
                                (float) k3[0], (float) k3[1], (float) k3[2], d);
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
        float[] sumDyCentred = new float[c];
        float[] d = new float[c];
        float[] a = new float[c];
        float[] shift = new float[c];
        float[] slope = new float[c];
        double[] dg = new double[c];
        double[] db = new double[c];
        for (int k = 0; k < norm.groups(); k++) {
            Arrays.fill(sumDy, 0f);
            Arrays.fill(sumDyCentred, 0f);
            for (int j = 0; j < c; j++) {
                d[j] = (float) norm.d()[k][j];
            }
            for (int e = first(k); e < end(k, dY.n); e++) {
                addGradientSums(dY.data, e * c, c, sumDy, sumDyCentred, d);
            }
            for (int j = 0; j < c; j++) {
                dg[j] += sumDyCentred[j] + (double) d[j] * sumDy[j];
                db[j] += sumDy[j];
                double[] k3 = norm.gradient(k, j, g[j], sumDy[j], sumDyCentred[j], end(k, dY.n) - first(k), lastTraining);
                a[j] = (float) k3[0];
                shift[j] = (float) k3[1];
                slope[j] = (float) k3[2];
            }
            for (int e = first(k); dX != null && e < end(k, dY.n); e++) {
                gradientRow(dY.data, e * c, c, a, shift, slope, d);
            }
        }
        for (int j = 0; j < c; j++) {
            dGamma[j] = (float) dg[j];
            dBeta[j] = (float) db[j];
        }
    }

    /* The vector loops, each over one run of floats. */

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

    /** x̂ = (x − centre)·factor and y = γ·x̂ + β over [off, off + len). */
    static void normalize(float[] x, float[] xHat, float[] y, int off, int len, float centre, float factor,
                          float gamma, float beta) {
        int i = 0;
        FloatVector mu = FloatVector.broadcast(S, centre);
        FloatVector is = FloatVector.broadcast(S, factor);
        FloatVector ga = FloatVector.broadcast(S, gamma);
        FloatVector be = FloatVector.broadcast(S, beta);
        for (int bound = S.loopBound(len); i < bound; i += S.length()) {
            FloatVector h = FloatVector.fromArray(S, x, off + i).sub(mu).mul(is);
            h.intoArray(xHat, off + i);
            h.fma(ga, be).intoArray(y, off + i);
        }
        for (; i < len; i++) {
            float h = (x[off + i] - centre) * factor;
            xHat[off + i] = h;
            y[off + i] = Math.fma(h, gamma, beta);
        }
    }

    /** The same for one row of C channels, per-channel centre and factor. */
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

    /** dX = a·dY + shift + slope·(x̂ − d) over [off, off + len). */
    static void inputGradient(float[] dY, float[] xHat, float[] dX, int off, int len, float a, float shift,
                              float slope, float d) {
        int i = 0;
        FloatVector av = FloatVector.broadcast(S, a);
        FloatVector b = FloatVector.broadcast(S, shift);
        FloatVector k = FloatVector.broadcast(S, slope);
        FloatVector dv = FloatVector.broadcast(S, d);
        for (int bound = S.loopBound(len); i < bound; i += S.length()) {
            FloatVector dy = FloatVector.fromArray(S, dY, off + i);
            FloatVector h = FloatVector.fromArray(S, xHat, off + i).sub(dv);
            dy.fma(av, h.fma(k, b)).intoArray(dX, off + i);
        }
        for (; i < len; i++) {
            dX[off + i] = Math.fma(dY[off + i], a, Math.fma(xHat[off + i] - d, slope, shift));
        }
    }

    /** sumDy += dY row, sumDyCentred += dY·(x̂ − d) row. */
    private void addGradientSums(float[] dY, int off, int c, float[] sumDy, float[] sumDyCentred, float[] d) {
        int j = 0;
        for (int bound = S.loopBound(c); j < bound; j += S.length()) {
            FloatVector dy = FloatVector.fromArray(S, dY, off + j);
            FloatVector h = FloatVector.fromArray(S, xHat.data, off + j).sub(FloatVector.fromArray(S, d, j));
            FloatVector.fromArray(S, sumDy, j).add(dy).intoArray(sumDy, j);
            dy.fma(h, FloatVector.fromArray(S, sumDyCentred, j)).intoArray(sumDyCentred, j);
        }
        for (; j < c; j++) {
            sumDy[j] += dY[off + j];
            sumDyCentred[j] = Math.fma(dY[off + j], xHat.data[off + j] - d[j], sumDyCentred[j]);
        }
    }

    /** Σ dY·(x̂ − d) over [off, off + len). */
    static double dotCentred(float[] dY, float[] xHat, int off, int len, float d) {
        FloatVector acc = FloatVector.zero(S);
        FloatVector dv = FloatVector.broadcast(S, d);
        int i = 0;
        for (int bound = S.loopBound(len); i < bound; i += S.length()) {
            acc = FloatVector.fromArray(S, dY, off + i).fma(FloatVector.fromArray(S, xHat, off + i).sub(dv), acc);
        }
        double sum = VectorMath.sumLanes(acc);
        for (; i < len; i++) {
            sum += (double) dY[off + i] * (xHat[off + i] - d);
        }
        return sum;
    }

    /** dX row = a·dY + shift + slope·(x̂ − d), per channel. */
    private void gradientRow(float[] dY, int off, int c, float[] a, float[] shift, float[] slope, float[] d) {
        int j = 0;
        for (int bound = S.loopBound(c); j < bound; j += S.length()) {
            FloatVector dy = FloatVector.fromArray(S, dY, off + j);
            FloatVector h = FloatVector.fromArray(S, xHat.data, off + j).sub(FloatVector.fromArray(S, d, j));
            dy.fma(FloatVector.fromArray(S, a, j), h.fma(FloatVector.fromArray(S, slope, j),
                    FloatVector.fromArray(S, shift, j))).intoArray(dX.data, off + j);
        }
        for (; j < c; j++) {
            dX.data[off + j] = Math.fma(dY[off + j], a[j], Math.fma(xHat.data[off + j] - d[j], slope[j], shift[j]));
        }
    }

    @Override
    public String toString() {
        return "BatchNormKernel";
    }
}
