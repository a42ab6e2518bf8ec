package bnlab.nn;

import bnlab.nn.kernel.DropoutKernel;
import bnlab.nn.kernel.FastLayer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Dropout, {@code nn.Dropout(p)} (d2l's 暂退法): in training mode each value is zeroed with
 * probability p and the survivors are scaled by 1/(1 − p), so the expected output equals the
 * input; in inference mode it passes everything unchanged. Backward multiplies by the same mask.
 * The masks come from the layer's own seeded generator, drawn in the order of the values, so a
 * run repeats exactly (and the fast engine draws the same masks).
 */
public class Dropout extends TwinnedLayer {

    private final double p;
    private final SplitMix random;
    private boolean training = true;
    private INDArray mask;
    private long[] shape;

    public Dropout(double p) {
        this(p, Init.shared());
    }

    public Dropout(double p, Init init) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException(
                    "Dropout: p is the probability of dropping a value and must be " + "in [0, 1), got " + p);
        }
        this.p = p;
        this.random = new SplitMix(init.nextSeed());
    }

    @Override
    public INDArray forward(INDArray x) {
        shape = LayerChecks.shape(toString(), x);
        if (!training) {
            mask = null;
            return x.dup();
        }
        float[] m = new float[Math.toIntExact(x.length())];
        drawMask(m, m.length);
        mask = Nd4j.create(m, x.shape(), 'c').castTo(x.dataType());
        return x.mul(mask);
    }

    @Override
    public INDArray backward(INDArray dY) {
        LayerChecks.requireForward(toString(), shape);
        LayerChecks.gradient(toString(), dY, shape);
        return mask == null ? dY.dup() : dY.mul(mask.castTo(dY.dataType()));
    }

    /** The next mask, {@code n} values: 0 with probability p, else 1/(1 − p). */
    void drawMask(float[] into, int n) {
        float keep = (float) (1 / (1 - p));
        for (int i = 0; i < n; i++) {
            into[i] = random.nextDouble() < p ? 0f : keep;
        }
    }

    @Override
    FastLayer fastLayer() {
        return new DropoutKernel(() -> training, this::drawMask);
    }

    @Override
    void checkInput(long[] shape) {}

    @Override
    public void setTraining(boolean training) {
        this.training = training;
    }

    public double p() {
        return p;
    }

    @Override
    public String toString() {
        return "Dropout(p=" + p + ", " + (training ? "training" : "inference") + ")";
    }
}
