package bnlab.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Group normalization (Wu &amp; He 2018), PyTorch's {@code nn.GroupNorm(num_groups, num_channels)}:
 * the C channels of each example are split into G groups of C/G consecutive channels, and each
 * group is normalized with its own mean and biased variance over its (C/G)·H·W values; γ and β
 * hold one value per channel (notebook 9).
 * <pre>
 *   x̂ = (x − μ_{n,g}) / √(σ²_{n,g} + ε),   y = γ_c·x̂ + β_c
 * </pre>
 * G = 1 is Wu &amp; He's layer norm (all channels of an example together), G = C is instance norm
 * ({@link InstanceNorm}); both special cases are tested as such. It works on (N, C, H, W) and on
 * (N, C) (groups of C/G features), the same in training and inference, and with N = 1: the
 * statistics never look at another example, which is why the paper's error stays flat as the
 * batch shrinks. Backward pass: {@link PerExampleNorm}.
 */
public class GroupNorm extends PerExampleNorm {

    private final int groups;
    private final int channels;

    /** γ = 1, β = 0 per channel, eps 1e-5 (PyTorch's default), float. */
    public GroupNorm(int groups, int channels) {
        this(groups, channels, BatchNormFunction.EPS, DataType.FLOAT);
    }

    public GroupNorm(int groups, int channels, double eps, DataType type) {
        super(new long[] {validChannels(groups, channels)}, eps, type);
        this.groups = groups;
        this.channels = channels;
    }

    private static int validChannels(int groups, int channels) {
        if (channels < 1 || groups < 1) {
            throw new IllegalArgumentException(
                    "GroupNorm(groups, channels): both must be >= 1, got groups=" + groups + ", channels=" + channels);
        }
        if (channels % groups != 0) {
            List<Integer> divisors = new ArrayList<>();
            for (int g = 1; g <= channels; g++) {
                if (channels % g == 0) {
                    divisors.add(g);
                }
            }
            throw new IllegalArgumentException("GroupNorm: " + channels + " channels cannot be split into " + groups
                    + " equal groups; choose groups among " + divisors);
        }
        return channels;
    }

    @Override
    int groups(long[] shape) {
        return groups;
    }

    @Override
    boolean perElement() {
        return false;
    }

    @Override
    void checkInput(long[] shape) {
        if (shape == null || (shape.length != 2 && shape.length != 4)) {
            throw new IllegalArgumentException(this + " expects input (N, " + channels + ") or (N, " + channels
                    + ", H, W) but got "
                    + (shape == null ? "null" : "rank " + shape.length + " " + Arrays.toString(shape))
                    + ". Reshape it, e.g. x.reshape(N, " + channels + ", H, W).");
        }
        if (shape[1] != channels) {
            throw new IllegalArgumentException(this + " expects " + channels + " channels on axis 1 but got shape "
                    + Arrays.toString(shape) + ": channels must equal the outputs/channels of the layer before.");
        }
    }

    public int numGroups() {
        return groups;
    }

    public int numChannels() {
        return channels;
    }

    @Override
    public String toString() {
        return "GroupNorm(" + groups + ", " + channels + ", eps=" + eps() + ")";
    }
}
