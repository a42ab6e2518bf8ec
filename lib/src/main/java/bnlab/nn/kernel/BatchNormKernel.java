package bnlab.nn.kernel;

import java.util.Arrays;

/**
 * The fast twin of every batch norm of {@code bnlab.nn} ({@code BatchNorm} and its lite forms,
 * {@code GhostBatchNorm}, {@code BatchRenorm}): batch statistics over virtual batches of
 * consecutive examples, normalization as a {@link BatchNormalizer} says, on an (N, C, S) view of
 * the input (S = H·W, or 1 after a fully-connected layer), written on the primitives of
 * {@link Simd}.
 *
 * <p>Training mode, per virtual batch k and channel c: the mean μ and biased variance σ² over its
 * m values go to the layer, which checks them, keeps what it needs (moving averages) and answers
 * with the normalizer; x̂ = (x − centre)·s·r + d and y = γ·x̂ + β. Inference mode asks the layer
 * for the normalizer of its moving statistics. Backward: dβ = Σ dY, dγ = Σ dY·x̂ (over all virtual
 * batches), and dX = a·dY + shift + slope·(x̂ − d) per (k, c) with the coefficients of
 * {@link BatchNormalizer#gradient}.
 *
 * <p>After a convolution (S &gt; 1) the layer reads its input twice and writes y once: the
 * statistics come from one pass, as Σ (x − K) and Σ (x − K)² around K, the mean of the virtual
 * batch's first S values of the channel (close to μ, so σ² = E(x − K)² − (μ − K)² loses nothing
 * that matters), and x̂ is not kept but made again from x in backward, which reads its inputs once
 * for the sums and once for dX; channels are split across cores. After a fully-connected layer
 * (S = 1) channels are the columns of an (N, C) matrix, one vector lane per channel, and x̂ is
 * kept. Memory, not arithmetic, is what these passes cost.
 */
public final class BatchNormKernel implements FastLayer {

    private static final Simd SIMD = Simd.get();

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
    private Tensor input;
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
        input = x;
        y = Tensor.reuseLike(y, x);
        if (x.plane() == 1) {
            xHat = Tensor.reuseLike(xHat, x);
            normalizeRows(x);
        } else {
            normalizeChannels(x);
        }
        return y;
    }

    @Override
    public Tensor backward(Tensor dY) {
        if (input == null) {
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

    /** (N, C, S) with S > 1: one pass per (virtual batch, channel) around the mean of its first run. */
    private void channelStatistics(Tensor x, double[][] mean, double[][] var) {
        int channels = x.c;
        int s = x.plane();
        Parallel.forEach(channels, (long) x.n * s, (part, from, to) -> {
            double[] sums = new double[2];
            for (int c = from; c < to; c++) {
                for (int k = 0; k < mean.length; k++) {
                    int at = (first(k) * channels + c) * s;
                    int count = end(k, x.n) - first(k);
                    double m = (double) count * s;
                    float centre = (float) (SIMD.sum(x.data, at, s, 1, s) / s);
                    SIMD.moments(x.data, at, s, count, channels * s, centre, sums);
                    double shift = sums[0] / m;
                    mean[k][c] = centre + shift;
                    var[k][c] = Math.max(0.0, sums[1] / m - shift * shift);
                }
            }
        });
    }

    /** (N, C): channels are columns, so sums run along rows with one vector lane per channel; two passes. */
    private void rowStatistics(Tensor x, double[][] mean, double[][] var) {
        int c = x.c;
        float[] acc = new float[c];
        float[] centre = new float[c];
        for (int k = 0; k < mean.length; k++) {
            int m = end(k, x.n) - first(k);
            Arrays.fill(acc, 0f);
            for (int e = first(k); e < end(k, x.n); e++) {
                SIMD.addColumns(acc, x.data, e * c, c, null, 0);
            }
            for (int j = 0; j < c; j++) {
                mean[k][j] = (double) acc[j] / m;
                centre[j] = (float) mean[k][j];
            }
            Arrays.fill(acc, 0f);
            for (int e = first(k); e < end(k, x.n); e++) {
                SIMD.addColumns(acc, x.data, e * c, c, centre, 0);
            }
            for (int j = 0; j < c; j++) {
                var[k][j] = (double) acc[j] / m;
            }
        }
    }

    /** y = γ·((x − centre)·factor) + β per (virtual batch, channel); x̂ is not kept (backward makes it again). */
    private void normalizeChannels(Tensor x) {
        int channels = x.c;
        int s = x.plane();
        int groups = norm.groups();
        Parallel.forEach(channels, (long) x.n * s, (part, from, to) -> {
            for (int c = from; c < to; c++) {
                for (int k = 0; k < groups; k++) {
                    float centre = (float) norm.shiftedCentre(k, c);
                    float factor = (float) norm.factor(k, c);
                    for (int e = first(k); e < end(k, x.n); e++) {
                        SIMD.normalize(x.data, null, y.data, (e * channels + c) * s, s, centre, factor, g[c], b[c]);
                    }
                }
            }
        });
    }

    private void normalizeRows(Tensor x) {
        int c = x.c;
        float[] centre = new float[c];
        float[] factor = new float[c];
        for (int k = 0; k < norm.groups(); k++) {
            for (int j = 0; j < c; j++) {
                centre[j] = (float) norm.shiftedCentre(k, j);
                factor[j] = (float) norm.factor(k, j);
            }
            for (int e = first(k); e < end(k, x.n); e++) {
                SIMD.normalizeColumns(x.data, xHat.data, y.data, e * c, c, centre, factor, g, b, 0);
            }
        }
    }

    /**
     * With S &gt; 1, x̂ − d = (x − base)·s·r is made again from x, base = μ (or 0 when not centring):
     * Σ dY·(x̂ − d) = s·r·Σ dY·(x − base), and dX = a·dY + shift + slope·(x̂ − d) in one more pass.
     */
    private void backwardChannels(Tensor dY, float[] dGamma, float[] dBeta) {
        int channels = dY.c;
        int s = dY.plane();
        int groups = norm.groups();
        float[] x = input.data;
        Parallel.forEach(channels, 2L * dY.n * s, (part, from, to) -> {
            double[] sums = new double[2];
            for (int c = from; c < to; c++) {
                double dg = 0;
                double db = 0;
                for (int k = 0; k < groups; k++) {
                    int at = (first(k) * channels + c) * s;
                    int count = end(k, dY.n) - first(k);
                    float base = (float) (norm.center() ? norm.mean()[k][c] : 0.0);
                    float factor = (float) norm.factor(k, c);
                    SIMD.gradientSums(dY.data, x, at, s, count, channels * s, base, sums);
                    double sumDy = sums[0];
                    double sumDyCentred = sums[1] * factor;
                    dg += sumDyCentred + norm.d()[k][c] * sumDy;
                    db += sumDy;
                    if (dX == null) {
                        continue;
                    }
                    double[] k3 = norm.gradient(k, c, g[c], sumDy, sumDyCentred, (double) count * s, lastTraining);
                    for (int e = first(k); e < end(k, dY.n); e++) {
                        SIMD.inputGradient(
                                dY.data,
                                x,
                                dX.data,
                                (e * channels + c) * s,
                                s,
                                (float) k3[0],
                                (float) k3[1],
                                (float) k3[2],
                                base,
                                factor);
                    }
                }
                dGamma[c] = (float) dg;
                dBeta[c] = (float) db;
            }
        });
    }

    /** With S = 1 the kept x̂ is used: Σ dY·(x̂ − d) = Σ dY·x̂ − d·Σ dY, and dX = a·dY + (shift − slope·d) + slope·x̂. */
    private void backwardRows(Tensor dY, float[] dGamma, float[] dBeta) {
        int c = dY.c;
        float[] sumDy = new float[c];
        float[] sumDyXHat = new float[c];
        float[] a = new float[c];
        float[] shift = new float[c];
        float[] slope = new float[c];
        double[] dg = new double[c];
        double[] db = new double[c];
        for (int k = 0; k < norm.groups(); k++) {
            Arrays.fill(sumDy, 0f);
            Arrays.fill(sumDyXHat, 0f);
            for (int e = first(k); e < end(k, dY.n); e++) {
                SIMD.gradientSumColumns(dY.data, xHat.data, e * c, c, sumDy, sumDyXHat, 0);
            }
            for (int j = 0; j < c; j++) {
                double d = norm.d()[k][j];
                dg[j] += sumDyXHat[j];
                db[j] += sumDy[j];
                double[] k3 = norm.gradient(
                        k, j, g[j], sumDy[j], sumDyXHat[j] - d * sumDy[j], end(k, dY.n) - first(k), lastTraining);
                a[j] = (float) k3[0];
                shift[j] = (float) (k3[1] - k3[2] * d);
                slope[j] = (float) k3[2];
            }
            for (int e = first(k); dX != null && e < end(k, dY.n); e++) {
                SIMD.inputGradientColumns(dY.data, xHat.data, dX.data, e * c, c, a, shift, slope, 0);
            }
        }
        for (int j = 0; j < c; j++) {
            dGamma[j] = (float) dg[j];
            dBeta[j] = (float) db[j];
        }
    }

    @Override
    public String toString() {
        return "BatchNormKernel";
    }
}
