package bnlab.nn;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Root-mean-square layer normalization (Zhang &amp; Sennrich 2019), PyTorch's
 * {@code nn.RMSNorm(normalized_shape)}: {@link LayerNorm} without the mean. Each example is
 * divided by the root mean square of its values, and γ (per element) rescales:
 * <pre>
 *   rms = √((1/D) Σ x² + ε),   y = γ ⊙ x / rms + β
 * </pre>
 * over the D values of an example. Keeping the mean saves a pass and, the paper argues, loses
 * nothing that matters; β starts at 0 (PyTorch's layer has none). Backward: {@link PerExampleNorm}
 * with the mean(dx̂) term left out.
 */
public class RMSNorm extends LayerNorm {

    /** γ = 1, β = 0 of {@code normalizedShape} ((F) or (C, H, W)), eps 1e-5, float. */
    public RMSNorm(long... normalizedShape) {
        super(normalizedShape);
    }

    public RMSNorm(long[] normalizedShape, double eps, DataType type) {
        super(normalizedShape, eps, type);
    }

    @Override
    boolean center() {
        return false;
    }

    @Override
    public String toString() {
        return "RMSNorm(" + Arrays.toString(normalizedShape()) + ", eps=" + eps() + ")";
    }
}
