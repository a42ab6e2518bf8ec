package bnlab.nn.kernel;

import java.util.Arrays;
import java.util.function.ToIntFunction;

/**
 * {@code bnlab.nn.GroupNorm}, {@code InstanceNorm} and {@code LayerNorm} ({@code PerExampleNorm})
 * on heap tensors. An example's C·S values are G runs of m = C·S/G consecutive floats, one per
 * group; per run (a "row"): μ and the biased σ² (float vector sums over short runs, added up in double), x̂ = (x − μ)/√(σ² + ε) and
 * y = γ·x̂ + β, with γ and β expanded to one value per position of an example (per channel:
 * repeated S times; per element: as they are). Backward per row, with dx̂ = γ·dY:
 * dX = (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂))/√(σ² + ε); dγ, dβ are summed per position over the
 * examples (in example order, so the split across threads cannot change them) and then per
 * channel. Rows are split across cores.
 */
public final class GroupNormKernel implements FastLayer {

    private static final Simd SIMD = Simd.get();

    /** The layer's check of the per-row statistics, so both engines fail with the same message. */
    public interface Checks {
        void statistics(long[] shape, double[] mean, double[] var);
    }

    private final TrainedArray gamma;
    private final TrainedArray beta;
    private final double eps;
    private final boolean perElement;
    private final boolean center;
    private final ToIntFunction<long[]> groups;
    private final Checks checks;
    private boolean inputGradientNeeded = true;
    private float[] g;
    private float[] b;
    private float[] gammaRow;
    private float[] betaRow;
    private float[] invStd;
    private float[] dGammaRow;
    private float[] dBetaRow;
    /** dY·γ, the gradient of x̂. */
    private float[] dXHat;

    private int groupsPerExample;
    private Tensor xHat;
    private Tensor y;
    private Tensor dX;

    /** {@code center}: subtract each group's mean (false: divide by the root mean square only, μ = 0). */
    public GroupNormKernel(
            TrainedArray gamma,
            TrainedArray beta,
            double eps,
            boolean perElement,
            boolean center,
            ToIntFunction<long[]> groups,
            Checks checks) {
        this.gamma = gamma;
        this.beta = beta;
        this.eps = eps;
        this.perElement = perElement;
        this.center = center;
        this.groups = groups;
        this.checks = checks;
    }

    @Override
    public Tensor forward(Tensor x) {
        long[] shape = x.shape();
        groupsPerExample = groups.applyAsInt(shape);
        int rows = x.n * groupsPerExample;
        int m = x.example() / groupsPerExample;
        expandAffine(x);
        double[] mean = new double[rows];
        double[] var = new double[rows];
        Parallel.forEach(rows, 2L * m, (part, from, to) -> {
            double[] sums = new double[2];
            for (int r = from; r < to; r++) {
                mean[r] = center ? SIMD.sum(x.data, r * m, m, 1, m) / m : 0;
                SIMD.moments(x.data, r * m, m, 1, m, (float) mean[r], sums);
                var[r] = sums[1] / m;
            }
        });
        checks.statistics(shape, mean, var);
        invStd = Tensor.buffer(invStd, rows);
        for (int r = 0; r < rows; r++) {
            invStd[r] = (float) (1.0 / Math.sqrt(var[r] + eps));
        }
        xHat = Tensor.reuseLike(xHat, x);
        y = Tensor.reuseLike(y, x);
        Parallel.forEach(rows, m, (part, from, to) -> {
            for (int r = from; r < to; r++) {
                SIMD.normalize(x.data, xHat.data, y.data, r * m, m, (float) mean[r], invStd[r], 1f, 0f);
                SIMD.affineColumns(xHat.data, y.data, r * m, m, gammaRow, betaRow, (r % groupsPerExample) * m);
            }
        });
        return y;
    }

    @Override
    public Tensor backward(Tensor dY) {
        if (xHat == null) {
            throw new IllegalStateException("GroupNorm.backward called before forward");
        }
        int example = dY.example();
        int rows = dY.n * groupsPerExample;
        int m = example / groupsPerExample;
        parameterGradients(dY);
        if (!inputGradientNeeded) {
            return null;
        }
        dX = Tensor.reuseLike(dX, dY);
        dXHat = Tensor.buffer(dXHat, dY.size());
        float[] d = dXHat;
        Parallel.forEach(rows, 2L * m, (part, from, to) -> {
            double[] sums = new double[2];
            for (int r = from; r < to; r++) {
                int off = r * m;
                SIMD.multiply(dY.data, off, gammaRow, (r % groupsPerExample) * m, d, off, m);
                SIMD.gradientSums(d, xHat.data, off, m, 1, m, 0f, sums);
                double sum = sums[0];
                double sumXHat = sums[1];
                float is = invStd[r];
                float shift = center ? (float) (-is * sum / m) : 0f;
                SIMD.inputGradient(d, xHat.data, dX.data, off, m, is, shift, (float) (-is * sumXHat / m), 0f, 1f);
            }
        });
        return dX;
    }

    @Override
    public void inputGradientNotNeeded() {
        inputGradientNeeded = false;
    }

    /** γ and β as one value per position of an example. */
    private void expandAffine(Tensor x) {
        g = SmallArrays.readFloats(gamma.value(), g);
        b = SmallArrays.readFloats(beta.value(), b);
        if (perElement) {
            gammaRow = g;
            betaRow = b;
            return;
        }
        int s = x.plane();
        gammaRow = Tensor.buffer(gammaRow == g ? null : gammaRow, x.example());
        betaRow = Tensor.buffer(betaRow == b ? null : betaRow, x.example());
        for (int c = 0; c < x.c; c++) {
            Arrays.fill(gammaRow, c * s, (c + 1) * s, g[c]);
            Arrays.fill(betaRow, c * s, (c + 1) * s, b[c]);
        }
    }

    /** dγ = Σ dY·x̂ and dβ = Σ dY: per position over the examples, then per channel unless per element. */
    private void parameterGradients(Tensor dY) {
        int example = dY.example();
        dGammaRow = Tensor.buffer(dGammaRow, example);
        dBetaRow = Tensor.buffer(dBetaRow, example);
        Arrays.fill(dGammaRow, 0, example, 0f);
        Arrays.fill(dBetaRow, 0, example, 0f);
        Parallel.forEach(example, dY.n, (part, from, to) -> {
            for (int e = 0; e < dY.n; e++) {
                SIMD.gradientSumColumns(dY.data, xHat.data, e * example + from, to - from, dBetaRow, dGammaRow, from);
            }
        });
        if (perElement) {
            SmallArrays.writeFloats(dGammaRow, gamma.grad());
            SmallArrays.writeFloats(dBetaRow, beta.grad());
            return;
        }
        int s = dY.plane();
        float[] dGamma = new float[dY.c];
        float[] dBeta = new float[dY.c];
        for (int c = 0; c < dY.c; c++) {
            double sg = 0;
            double sb = 0;
            for (int i = c * s; i < (c + 1) * s; i++) {
                sg += dGammaRow[i];
                sb += dBetaRow[i];
            }
            dGamma[c] = (float) sg;
            dBeta[c] = (float) sb;
        }
        SmallArrays.writeFloats(dGamma, gamma.grad());
        SmallArrays.writeFloats(dBeta, beta.grad());
    }

    @Override
    public String toString() {
        return "GroupNormKernel(eps=" + eps + (perElement ? ", per element" : ", per channel") + ")";
    }
}
