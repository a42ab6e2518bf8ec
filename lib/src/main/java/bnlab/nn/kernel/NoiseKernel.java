package bnlab.nn.kernel;

import java.util.function.BooleanSupplier;

/**
 * {@code bnlab.nn.ShiftingNoise}: y = x + noise in training mode, with the noise drawn by the
 * layer (so both engines add the same numbers), y = x in inference mode; dX = dY.
 */
public final class NoiseKernel implements FastLayer {

    /** Fills the first n·channels·plane values with the next step's noise, in C order. */
    public interface Source {
        void draw(float[] into, int n, int channels, int plane);
    }

    private final BooleanSupplier training;
    private final Source source;
    private float[] noise;
    private Tensor y;

    public NoiseKernel(BooleanSupplier training, Source source) {
        this.training = training;
        this.source = source;
    }

    @Override
    public Tensor forward(Tensor x) {
        y = Tensor.reuseLike(y, x);
        int n = x.size();
        if (!training.getAsBoolean()) {
            System.arraycopy(x.data, 0, y.data, 0, n);
            return y;
        }
        noise = Tensor.buffer(noise, n);
        source.draw(noise, x.n, x.c, x.plane());
        for (int i = 0; i < n; i++) {
            y.data[i] = x.data[i] + noise[i];
        }
        return y;
    }

    @Override
    public Tensor backward(Tensor dY) {
        return dY;
    }

    @Override
    public String toString() {
        return "NoiseKernel";
    }
}
