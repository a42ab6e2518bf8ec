package bnlab.nn.kernel;

/**
 * {@code bnlab.nn.Sigmoid} and {@code bnlab.nn.ReLU}. The sigmoid is 1/(1 + e^−x) with an
 * exponential within a few units in the last place of the exact value ({@link Simd#sigmoid}),
 * and its backward needs only the output: σ' = σ·(1 − σ).
 */
public final class ElementwiseKernel implements FastLayer {

    private static final Simd SIMD = Simd.get();

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
            if (sigmoid) {
                SIMD.sigmoid(in, out, from, to);
            } else {
                SIMD.relu(in, out, from, to);
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
            if (sigmoid) {
                SIMD.sigmoidBackward(g, s, out, from, to);
            } else {
                SIMD.reluBackward(g, s, out, from, to);
            }
        });
        return dX;
    }

    @Override
    public String toString() {
        return sigmoid ? "SigmoidKernel" : "ReluKernel";
    }
}
