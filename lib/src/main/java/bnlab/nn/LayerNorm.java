package bnlab.nn;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Layer normalization (Ba, Kiros &amp; Hinton 2016), PyTorch's {@code nn.LayerNorm(normalized_shape)}:
 * each example is normalized with the mean and biased variance of all its features, and γ, β
 * hold one value <em>per element</em> of an example (notebook 9).
 * <pre>
 *   μ = (1/D) Σ x,   σ² = (1/D) Σ (x − μ)²,   y = γ ⊙ (x − μ)/√(σ² + ε) + β
 * </pre>
 * over the D = F values of an (N, F) row or the D = C·H·W values of an (N, C, H, W) example.
 * {@code new LayerNorm(120)} goes after a fully-connected layer of 120 outputs,
 * {@code new LayerNorm(6, 24, 24)} after LeNet's first convolution (γ, β of shape (6, 24, 24)).
 *
 * <p>For images this is PyTorch's {@code nn.LayerNorm([C, H, W])}, not Wu &amp; He's "LN":
 * their LN is {@code new GroupNorm(1, C)}, the same statistics with γ, β per channel. The two
 * give the same output when γ, β are constant over each channel (tested). Formulas of the
 * backward pass: {@link PerExampleNorm}.
 */
public class LayerNorm extends PerExampleNorm {

    private final long[] normalizedShape;

    /** γ = 1, β = 0 of {@code normalizedShape} ((F) or (C, H, W)), eps 1e-5, float. */
    public LayerNorm(long... normalizedShape) {
        this(normalizedShape, BatchNormFunction.EPS, DataType.FLOAT);
    }

    public LayerNorm(long[] normalizedShape, double eps, DataType type) {
        super(validShape(normalizedShape), eps, type);
        this.normalizedShape = normalizedShape.clone();
    }

    private static long[] validShape(long[] shape) {
        if (shape == null
                || (shape.length != 1 && shape.length != 3)
                || Arrays.stream(shape).anyMatch(d -> d < 1)) {
            throw new IllegalArgumentException("LayerNorm: normalizedShape is the shape of one example, (F) after a "
                    + "fully-connected layer or (C, H, W) after a convolution, e.g. new LayerNorm(120) or new "
                    + "LayerNorm(6, 24, 24); got " + Arrays.toString(shape));
        }
        return shape;
    }

    @Override
    int groups(long[] shape) {
        return 1;
    }

    @Override
    boolean perElement() {
        return true;
    }

    @Override
    void checkInput(long[] shape) {
        long[] example = shape == null || shape.length < 2 ? null : Arrays.copyOfRange(shape, 1, shape.length);
        if (!Arrays.equals(example, normalizedShape)) {
            throw new IllegalArgumentException(this + " expects input (N, "
                    + Arrays.toString(normalizedShape).replaceAll("[\\[\\]]", "") + ") but got "
                    + Arrays.toString(shape) + ": normalizedShape must be "
                    + "the shape of one example"
                    + (example == null
                            ? "."
                            : ", here new LayerNorm(" + Arrays.toString(example).replaceAll("[\\[\\]]", "") + ")."));
        }
    }

    public long[] normalizedShape() {
        return normalizedShape.clone();
    }

    @Override
    public String toString() {
        return "LayerNorm(" + Arrays.toString(normalizedShape) + ", eps=" + eps() + ", gamma/beta per element)";
    }
}
