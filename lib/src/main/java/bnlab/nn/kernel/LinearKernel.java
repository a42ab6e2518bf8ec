package bnlab.nn.kernel;

/**
 * {@code bnlab.nn.Linear}: Y = X·Wᵀ + b, with Wᵀ copied once per step so that all three
 * products run along rows ({@link Simd#nn}); backward dW = dYᵀ·X, db = Σ_n dY, dX = dY·W. Rows
 * of the result are split across cores.
 */
public final class LinearKernel implements FastLayer {

    private static final Simd SIMD = Simd.get();

    private final int in;
    private final int out;
    private final TrainedArray weight;
    private final TrainedArray bias;
    private boolean inputGradient = true;
    private float[] w;
    private float[] b;
    private float[] dw;
    private float[] wt;
    private float[] wPadded;
    private float[] xPadded;
    private Tensor x;
    private Tensor y;
    private Tensor dX;

    /** {@code bias} may be null (a linear layer before a batch norm needs none). */
    public LinearKernel(int in, int out, TrainedArray weight, TrainedArray bias) {
        this.in = in;
        this.out = out;
        this.weight = weight;
        this.bias = bias;
    }

    @Override
    public Tensor forward(Tensor input) {
        x = input;
        int n = x.n;
        w = SmallArrays.readFloats(weight.value(), w);
        if (bias != null) {
            b = SmallArrays.readFloats(bias.value(), b);
        }
        y = Tensor.reuse(y, n, out, 1, 1, 2);
        wt = Tensor.buffer(wt, (long) in * out);
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                wt[i * out + o] = w[o * in + i];
            }
        }
        Parallel.forEach(n, (long) in * out, (part, from, to) -> {
            for (int r = from; r < to; r++) {
                if (bias != null) {
                    System.arraycopy(b, 0, y.data, r * out, out);
                } else {
                    java.util.Arrays.fill(y.data, r * out, (r + 1) * out, 0f);
                }
            }
            SIMD.nn(to - from, out, in, x.data, from * in, in, 1, wt, 0, out, y.data, from * out, out, true);
        });
        return y;
    }

    @Override
    public Tensor backward(Tensor dY) {
        if (x == null) {
            throw new IllegalStateException(this + ".backward called before forward");
        }
        int n = x.n;
        dw = Tensor.buffer(dw, (long) out * in);
        // As for W below: X's rows a multiple of 1 KiB apart would share cache sets.
        int ldx = padded(in);
        float[] xRows = x.data;
        if (ldx != in) {
            xRows = xPadded = Tensor.buffer(xPadded, (long) n * ldx);
            for (int r = 0; r < n; r++) {
                System.arraycopy(x.data, r * in, xRows, r * ldx, in);
            }
        }
        float[] xb = xRows;
        Parallel.forEach(
                out,
                (long) n * in,
                (part, from, to) ->
                        SIMD.nn(to - from, in, n, dY.data, from, 1, out, xb, 0, ldx, dw, from * in, in, false));
        SmallArrays.writeFloats(dw, weight.grad());
        if (bias != null) {
            // Along rows of dY (not down its columns): each column's sum in the same order.
            double[] s = new double[out];
            for (int r = 0; r < n; r++) {
                for (int o = 0; o < out; o++) {
                    s[o] += dY.data[r * out + o];
                }
            }
            float[] db = new float[out];
            for (int o = 0; o < out; o++) {
                db[o] = (float) s[o];
            }
            SmallArrays.writeFloats(db, bias.grad());
        }
        if (!inputGradient) {
            return null;
        }
        dX = Tensor.reuseLike(dX, x);
        // Rows of W a multiple of 1 KiB apart share cache sets, and reading down W then evicts
        // itself (Linear(256, 120): 2.5 times slower); a copy with longer rows does not.
        int ldw = padded(in);
        float[] wRows = w;
        if (ldw != in) {
            wRows = wPadded = Tensor.buffer(wPadded, (long) out * ldw);
            for (int o = 0; o < out; o++) {
                System.arraycopy(w, o * in, wRows, o * ldw, in);
            }
        }
        float[] b = wRows;
        Parallel.forEach(
                n,
                (long) in * out,
                (part, from, to) -> SIMD.nn(
                        to - from, in, out, dY.data, from * out, out, 1, b, 0, ldw, dX.data, from * in, in, false));
        return dX;
    }

    /** A row length for copies: 16 floats longer when {@code width} floats are a multiple of 1 KiB. */
    private static int padded(int width) {
        return width % 256 == 0 ? width + 16 : width;
    }

    @Override
    public void inputGradientNotNeeded() {
        inputGradient = false;
    }

    @Override
    public String toString() {
        return "LinearKernel(" + in + ", " + out + ")";
    }
}
