package bnlab.nn;

import bnlab.nn.kernel.FastLayer;
import bnlab.nn.kernel.NoiseKernel;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The "noisy BatchNorm" of Santurkar, Tsipras, Ilyas &amp; Madry (2018, "How Does Batch
 * Normalization Help Optimization?", §2.1): placed after a batch norm, it perturbs every
 * activation of every example with i.i.d. noise whose distribution has a non-zero mean and a
 * non-unit variance and changes at every training step, so the next layer's input distribution
 * shifts from step to step, more than without any batch norm. Here, at each training step and
 * for each channel c, a mean μ_c ~ U(−meanRange, meanRange) and a standard deviation
 * s_c ~ U(0, stdRange) are drawn, and each value gets y = x + μ_c + s_c·u with u uniform of
 * variance 1. Backward passes the gradient through unchanged (the noise does not depend on x).
 * Inference mode adds nothing.
 */
public class ShiftingNoise extends TwinnedLayer {

    private final double meanRange;
    private final double stdRange;
    private final SplitMix random;
    private boolean training = true;
    private int state;
    private long[] shape;

    public ShiftingNoise(double meanRange, double stdRange, Init init) {
        if (!(meanRange >= 0) || !(stdRange >= 0)) {
            throw new IllegalArgumentException("ShiftingNoise: the ranges of the noise's mean and standard deviation "
                    + "must be >= 0, got " + meanRange + " and " + stdRange);
        }
        this.meanRange = meanRange;
        this.stdRange = stdRange;
        this.random = new SplitMix(init.nextSeed());
        this.state = (int) init.nextSeed() | 1;
    }

    @Override
    public INDArray forward(INDArray x) {
        shape = LayerChecks.shape(toString(), x);
        if (!training) {
            return x.dup();
        }
        long n = x.size(0);
        int channels = (int) x.size(1);
        int plane = (int) (x.length() / n / channels);
        float[] noise = new float[Math.toIntExact(x.length())];
        draw(noise, (int) n, channels, plane);
        return x.add(Nd4j.create(noise, x.shape(), 'c').castTo(x.dataType()));
    }

    @Override
    public INDArray backward(INDArray dY) {
        LayerChecks.requireForward(toString(), shape);
        LayerChecks.gradient(toString(), dY, shape);
        return dY.dup();
    }

    /** This step's noise for an (n, channels, plane) tensor, in C order. */
    void draw(float[] into, int n, int channels, int plane) {
        float[] mean = new float[channels];
        float[] std = new float[channels];
        for (int c = 0; c < channels; c++) {
            mean[c] = (float) ((2 * random.nextDouble() - 1) * meanRange);
            std[c] = (float) (random.nextDouble() * stdRange * Math.sqrt(3));
        }
        int s = state;
        for (int e = 0, i = 0; e < n; e++) {
            for (int c = 0; c < channels; c++) {
                for (int p = 0; p < plane; p++, i++) {
                    // xorshift32: a cheap, seeded stream of uniform numbers in [-1, 1)
                    s ^= s << 13;
                    s ^= s >>> 17;
                    s ^= s << 5;
                    into[i] = mean[c] + std[c] * (s * 0x1p-31f);
                }
            }
        }
        state = s;
    }

    @Override
    FastLayer fastLayer() {
        return new NoiseKernel(() -> training, this::draw);
    }

    @Override
    void checkInput(long[] shape) {}

    @Override
    public void setTraining(boolean training) {
        this.training = training;
    }

    @Override
    public String toString() {
        return "ShiftingNoise(mean in ±" + meanRange + ", std up to " + stdRange + ", "
                + (training ? "training" : "inference") + ")";
    }
}
