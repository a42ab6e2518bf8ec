package bnlab.nn;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Instance normalization (Ulyanov, Vedaldi &amp; Lempitsky 2016): each channel of each example is
 * normalized with the mean and biased variance of its own H·W values; γ, β per channel. It is
 * PyTorch's {@code nn.InstanceNorm2d(C, affine=True, track_running_stats=False)}: batch
 * statistics of one example in training <em>and</em> inference, no running statistics — and so
 * exactly {@code GroupNorm(C, C)}, which is how it is computed (notebook 9).
 *
 * <p>Input must be (N, C, H, W) with H·W &gt; 1: a single value per channel has variance 0 and
 * would always be normalized to 0 (PyTorch refuses it too).
 */
public class InstanceNorm extends GroupNorm {

    /** γ = 1, β = 0 per channel, eps 1e-5, float. */
    public InstanceNorm(int channels) {
        this(channels, BatchNormFunction.EPS, DataType.FLOAT);
    }

    public InstanceNorm(int channels, double eps, DataType type) {
        super(channels, channels, eps, type);
    }

    @Override
    void checkInput(long[] shape) {
        if (shape == null || shape.length != 4) {
            throw new IllegalArgumentException(this + " expects input (N, " + numChannels() + ", H, W) but got "
                    + (shape == null ? "null" : Arrays.toString(shape)) + ": instance norm normalizes each channel "
                    + "over its H·W positions. After a fully-connected layer use new LayerNorm(F) or GroupNorm.");
        }
        super.checkInput(shape);
        if (shape[2] * shape[3] < 2) {
            throw new IllegalArgumentException(this + " needs more than one position per channel, got "
                    + Arrays.toString(shape) + ": with H·W = 1 every output would be beta. Use LayerNorm or GroupNorm "
                    + "there.");
        }
    }

    @Override
    public String toString() {
        return "InstanceNorm(" + numChannels() + ", eps=" + eps() + ", affine, no running statistics)";
    }
}
