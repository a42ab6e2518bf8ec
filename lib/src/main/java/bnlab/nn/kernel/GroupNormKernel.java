package bnlab.nn.kernel;

import bnlab.nn.Parameter;
import java.util.Arrays;
import java.util.function.ToIntFunction;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

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

    private static final VectorSpecies<Float> S = Gemm.S;

    /** The layer's check of the per-row statistics, so both engines fail with the same message. */
    public interface Checks {
        void statistics(long[] shape, double[] mean, double[] var);
    }

    private final Parameter gamma;
    private final Parameter beta;
    private final double eps;
    private final boolean perElement;
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
    private int groupsPerExample;
    private Tensor xHat;
    private Tensor y;
    private Tensor dX;

    public GroupNormKernel(Parameter gamma, Parameter beta, double eps, boolean perElement,
                           ToIntFunction<long[]> groups, Checks checks) {
        this.gamma = gamma;
        this.beta = beta;
        this.eps = eps;
        this.perElement = perElement;
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
            for (int r = from; r < to; r++) {
                mean[r] = Gemm.sum(x.data, r * m, m) / m;
                var[r] = BatchNormKernel.squaredDeviations(x.data, r * m, m, (float) mean[r]) / m;
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
                normalizeRow(x.data, r * m, m, (float) mean[r], invStd[r], (r % groupsPerExample) * m);
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
        Parallel.forEach(rows, 2L * m, (part, from, to) -> {
            for (int r = from; r < to; r++) {
                int at = (r % groupsPerExample) * m;
                double[] sums = gradientSums(dY.data, r * m, m, at);
                float is = invStd[r];
                inputGradientRow(dY.data, r * m, m, at, is, (float) (-is * sums[0] / m), (float) (-is * sums[1] / m));
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

    /** x̂ = (x − μ)·invStd and y = γ·x̂ + β over one row; {@code at}: the row's first position in an example. */
    private void normalizeRow(float[] x, int off, int m, float mean, float invStd, int at) {
        FloatVector mu = FloatVector.broadcast(S, mean);
        FloatVector is = FloatVector.broadcast(S, invStd);
        int i = 0;
        for (int bound = S.loopBound(m); i < bound; i += S.length()) {
            FloatVector h = FloatVector.fromArray(S, x, off + i).sub(mu).mul(is);
            h.intoArray(xHat.data, off + i);
            h.fma(FloatVector.fromArray(S, gammaRow, at + i), FloatVector.fromArray(S, betaRow, at + i))
                    .intoArray(y.data, off + i);
        }
        for (; i < m; i++) {
            float h = (x[off + i] - mean) * invStd;
            xHat.data[off + i] = h;
            y.data[off + i] = Math.fma(h, gammaRow[at + i], betaRow[at + i]);
        }
    }

    /** {Σ dY·γ, Σ dY·γ·x̂} over one row. */
    private double[] gradientSums(float[] dY, int off, int m, int at) {
        FloatVector sum = FloatVector.zero(S);
        FloatVector sumXHat = FloatVector.zero(S);
        int i = 0;
        for (int bound = S.loopBound(m); i < bound; i += S.length()) {
            FloatVector d = FloatVector.fromArray(S, dY, off + i).mul(FloatVector.fromArray(S, gammaRow, at + i));
            sum = sum.add(d);
            sumXHat = d.fma(FloatVector.fromArray(S, xHat.data, off + i), sumXHat);
        }
        double s = VectorMath.sumLanes(sum);
        double sx = VectorMath.sumLanes(sumXHat);
        for (; i < m; i++) {
            double d = dY[off + i] * gammaRow[at + i];
            s += d;
            sx += d * xHat.data[off + i];
        }
        return new double[] {s, sx};
    }

    /** dX = dY·γ·invStd + shift + slope·x̂ over one row. */
    private void inputGradientRow(float[] dY, int off, int m, int at, float invStd, float shift, float slope) {
        FloatVector is = FloatVector.broadcast(S, invStd);
        FloatVector sh = FloatVector.broadcast(S, shift);
        FloatVector sl = FloatVector.broadcast(S, slope);
        int i = 0;
        for (int bound = S.loopBound(m); i < bound; i += S.length()) {
            FloatVector d = FloatVector.fromArray(S, dY, off + i).mul(FloatVector.fromArray(S, gammaRow, at + i));
            d.fma(is, FloatVector.fromArray(S, xHat.data, off + i).fma(sl, sh)).intoArray(dX.data, off + i);
        }
        for (; i < m; i++) {
            dX.data[off + i] = Math.fma(dY[off + i] * gammaRow[at + i], invStd, Math.fma(xHat.data[off + i], slope, shift));
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
                accumulate(dY.data, e * example, from, to - from);
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

    /** dγ[at, at + len) += dY·x̂ and dβ[at, at + len) += dY for the example starting at {@code off}. */
    private void accumulate(float[] dY, int off, int at, int len) {
        int i = 0;
        for (int bound = S.loopBound(len); i < bound; i += S.length()) {
            FloatVector d = FloatVector.fromArray(S, dY, off + at + i);
            FloatVector.fromArray(S, dBetaRow, at + i).add(d).intoArray(dBetaRow, at + i);
            d.fma(FloatVector.fromArray(S, xHat.data, off + at + i), FloatVector.fromArray(S, dGammaRow, at + i))
                    .intoArray(dGammaRow, at + i);
        }
        for (; i < len; i++) {
            dBetaRow[at + i] += dY[off + at + i];
            dGammaRow[at + i] = Math.fma(dY[off + at + i], xHat.data[off + at + i], dGammaRow[at + i]);
        }
    }

    @Override
    public String toString() {
        return "GroupNormKernel(eps=" + eps + (perElement ? ", per element" : ", per channel") + ")";
    }
}
