package bnlab.nn.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code bnlab.nn.Sigmoid} and {@code bnlab.nn.ReLU} with SIMD vectors. The sigmoid is
 * 1/(1 + e^−x) with {@link VectorMath#exp} (within a few units in the last place of the exact
 * value), and its backward needs only the output: σ' = σ·(1 − σ).
 */
public final class ElementwiseKernel implements FastLayer {

    private static final VectorSpecies<Float> S = Gemm.S;
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);

    private final boolean sigmoid;
    private Tensor x;
    private Tensor y;
    private Tensor dX;

    private ElementwiseKernel(boolean sigmoid) {
        this.sigmoid = sigmoid;
    }

    public static ElementwiseKernel sigmoid() {
        return new ElementwiseKernel(true);
    }

    public static ElementwiseKernel relu() {
        return new ElementwiseKernel(false);
    }

    @Override
    public Tensor forward(Tensor input) {
        x = input;
        y = Tensor.reuseLike(y, x);
        float[] in = x.data;
        float[] out = y.data;
        Parallel.forEach(x.size(), 1, (part, from, to) -> {
            int i = from;
            for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
                FloatVector v = FloatVector.fromArray(S, in, i);
                v = sigmoid ? ONE.div(VectorMath.exp(v.neg()).add(1f)) : v.max(0f);
                v.intoArray(out, i);
            }
            for (; i < to; i++) {
                out[i] = sigmoid ? 1f / (VectorMath.exp(-in[i]) + 1f) : Math.max(in[i], 0f);
            }
        });
        return y;
    }

    @Override
    public Tensor backward(Tensor dY) {
        if (y == null) {
            throw new IllegalStateException(this + ".backward called before forward");
        }
        dX = Tensor.reuseLike(dX, y);
        float[] g = dY.data;
        float[] s = sigmoid ? y.data : x.data;
        float[] out = dX.data;
        Parallel.forEach(y.size(), 1, (part, from, to) -> {
            int i = from;
            for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
                FloatVector gv = FloatVector.fromArray(S, g, i);
                FloatVector v = FloatVector.fromArray(S, s, i);
                FloatVector r = sigmoid ? gv.mul(v).mul(v.neg().add(1f))
                        : gv.blend(0f, v.compare(VectorOperators.LE, 0f));
                r.intoArray(out, i);
            }
            for (; i < to; i++) {
                out[i] = sigmoid ? g[i] * s[i] * (1 - s[i]) : (s[i] > 0 ? g[i] : 0f);
            }
        });
        return dX;
    }

    @Override
    public String toString() {
        return sigmoid ? "SigmoidKernel" : "ReluKernel";
    }
}
