package bnlab.nn.kernel;

import java.util.function.BooleanSupplier;

/**
 * {@code bnlab.nn.Dropout}: y = x·mask in training mode, with the mask drawn by the layer (so
 * both engines draw the same masks from the same generator), y = x in inference mode.
 */
public final class DropoutKernel implements FastLayer {

    /** Fills the first n values with the next mask. */
    public interface Masks {
        void draw(float[] into, int n);
    }

    private final BooleanSupplier training;
    private final Masks masks;
    private float[] mask;
    private boolean masked;
    private Tensor y;
    private Tensor dX;

    public DropoutKernel(BooleanSupplier training, Masks masks) {
        this.training = training;
        this.masks = masks;
    }

    @Override
    public Tensor forward(Tensor x) {
        y = Tensor.reuseLike(y, x);
        int n = x.size();
        masked = training.getAsBoolean();
        if (!masked) {
            System.arraycopy(x.data, 0, y.data, 0, n);
            return y;
        }
        mask = Tensor.buffer(mask, n);
        masks.draw(mask, n);
        multiply(x.data, mask, y.data, n);
        return y;
    }

    @Override
    public Tensor backward(Tensor dY) {
        dX = Tensor.reuseLike(dX, dY);
        if (masked) {
            multiply(dY.data, mask, dX.data, dY.size());
        } else {
            System.arraycopy(dY.data, 0, dX.data, 0, dY.size());
        }
        return dX;
    }

    private static void multiply(float[] a, float[] b, float[] into, int n) {
        for (int i = 0; i < n; i++) {
            into[i] = a[i] * b[i];
        }
    }

    @Override
    public String toString() {
        return "DropoutKernel";
    }
}
