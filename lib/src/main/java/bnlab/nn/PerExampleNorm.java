package bnlab.nn;

import bnlab.nn.kernel.FastLayer;
import bnlab.nn.kernel.GroupNormKernel;
import bnlab.nn.kernel.SmallArrays;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A normalization whose statistics come from each example alone: {@link LayerNorm},
 * {@link GroupNorm} and {@link InstanceNorm} (notebook 9). Nothing depends on the other
 * examples of the batch, so the layer computes the same thing in training and inference, keeps
 * no moving statistics and works with a batch of one.
 *
 * <p>Each example's C·S values (S = H·W, or 1 after a fully-connected layer) are cut into G
 * groups of m = C·S/G consecutive values (whole channels). Per example and group:
 * <pre>
 *   μ = (1/m) Σ x,   σ² = (1/m) Σ (x − μ)²   (biased, as PyTorch),
 *   x̂ = (x − μ) / √(σ² + ε),   y = γ·x̂ + β
 * </pre>
 * with γ, β per channel (GroupNorm, InstanceNorm) or per element (LayerNorm).
 *
 * <p>Backward, with dx̂ = γ·dY and the means taken over the group's m values:
 * <pre>
 *   dX = (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)) / √(σ² + ε),   dγ = Σ dY·x̂,   dβ = Σ dY
 * </pre>
 * (dγ, dβ summed over the examples, and over the positions of a channel when γ is per channel).
 * It is batch norm's backward with the roles of "batch" and "example" exchanged: the statistics
 * depend on the group's own values, hence the two subtracted means.
 */
public abstract class PerExampleNorm extends TwinnedLayer implements NormalizationLayer {

    private final double eps;
    private final Parameter gamma;
    private final Parameter beta;
    private INDArray xHat;
    private INDArray invStd;
    private boolean training = true;

    /** γ = 1 and β = 0 of {@code affineShape} and {@code type} (FLOAT, or DOUBLE for gradient checks). */
    PerExampleNorm(long[] affineShape, double eps, DataType type) {
        if (!(eps > 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": eps must be a small positive "
                    + "number (PyTorch uses 1e-5), got " + eps);
        }
        if (type != DataType.FLOAT && type != DataType.DOUBLE) {
            throw new IllegalArgumentException(
                    getClass().getSimpleName() + ": parameters are FLOAT or DOUBLE, got " + type);
        }
        this.eps = eps;
        this.gamma = Parameter.of("gamma", Nd4j.ones(type, affineShape));
        this.beta = Parameter.of("beta", Nd4j.zeros(type, affineShape));
    }

    /** Groups per example (G); the input shape has been checked. */
    abstract int groups(long[] shape);

    /** True when γ and β hold one value per element of an example, false when one per channel. */
    abstract boolean perElement();

    /**
     * Whether each group's mean is subtracted (true); false normalizes by the root mean square,
     * μ = 0 and σ² = (1/m) Σ x², and the backward pass loses its mean(dx̂) term.
     */
    boolean center() {
        return true;
    }

    @Override
    public INDArray forward(INDArray x) {
        long[] shape = LayerChecks.shape(toString(), x);
        checkInput(shape);
        requireFloatingPoint(x);
        int rows = Math.toIntExact(shape[0] * groups(shape));
        long m = x.length() / rows;
        INDArray values = x.reshape('c', rows, m);
        INDArray mean = center() ? values.mean(true, 1) : Nd4j.zeros(values.dataType(), rows, 1);
        INDArray centred = values.subColumnVector(mean);
        INDArray var = centred.mul(centred).mean(true, 1);
        checkStatistics(shape, SmallArrays.read(mean), SmallArrays.read(var));
        invStd = Transforms.pow(var.addi(eps), -0.5, false);
        xHat = centred.muliColumnVector(invStd).reshape('c', shape);
        return xHat.mul(broadcast(gamma.value(), shape, x.dataType()))
                .addi(broadcast(beta.value(), shape, x.dataType()));
    }

    @Override
    public INDArray backward(INDArray dY) {
        LayerChecks.requireForward(toString(), xHat);
        long[] shape = xHat.shape();
        LayerChecks.gradient(toString(), dY, shape);
        dY = dY.castTo(xHat.dataType());
        int rows = (int) invStd.length();
        long m = xHat.length() / rows;
        INDArray dXHat =
                dY.mul(broadcast(gamma.value(), shape, xHat.dataType())).reshape('c', rows, m);
        INDArray h = xHat.reshape('c', rows, m);
        INDArray meanDXHat = center() ? dXHat.mean(true, 1) : Nd4j.zeros(dXHat.dataType(), rows, 1);
        INDArray meanDXHatXHat = dXHat.mul(h).mean(true, 1);
        INDArray dX = dXHat.subColumnVector(meanDXHat)
                .subi(h.mulColumnVector(meanDXHatXHat))
                .muliColumnVector(invStd);
        int[] axes = affineAxes(shape);
        gamma.grad().assign(dY.mul(xHat).sum(axes).reshape(gamma.grad().shape()));
        beta.grad().assign(dY.sum(axes).reshape(beta.grad().shape()));
        return dX.reshape('c', shape);
    }

    /** The axes dY·x̂ is summed over to give one value per entry of γ. */
    private int[] affineAxes(long[] shape) {
        if (perElement() || shape.length == 2) {
            return new int[] {0};
        }
        return new int[] {0, 2, 3};
    }

    /** γ or β shaped to broadcast against an input of {@code shape}: (1, C[, 1, 1]) or (1, C[, H, W]). */
    private INDArray broadcast(INDArray affine, long[] shape, DataType type) {
        long[] view = new long[shape.length];
        Arrays.fill(view, 1);
        for (int d = 1; d < shape.length; d++) {
            view[d] = perElement() || d == 1 ? shape[d] : 1;
        }
        INDArray a = affine.reshape('c', view);
        return a.dataType() == type ? a : a.castTo(type);
    }

    private void requireFloatingPoint(INDArray x) {
        if (x.dataType() != DataType.FLOAT && x.dataType() != DataType.DOUBLE) {
            throw new IllegalArgumentException(this + " works on FLOAT or DOUBLE tensors, but the input is "
                    + x.dataType() + ". Convert it with x.castTo(DataType.FLOAT).");
        }
    }

    /**
     * Every group's mean and variance must be finite: a NaN here means the input already held
     * one. Shared with the fast twin, so both engines fail with the same message.
     */
    void checkStatistics(long[] shape, double[] mean, double[] var) {
        int groups = groups(shape);
        for (int r = 0; r < mean.length; r++) {
            if (!Double.isFinite(mean[r]) || !Double.isFinite(var[r])) {
                throw new DivergenceException(this + ": the statistics of example " + r / groups
                        + (groups > 1 ? ", group " + r % groups : "") + " are not usable (mean " + mean[r]
                        + ", variance " + var[r] + "): the input " + Arrays.toString(shape) + " contains NaN or "
                        + "infinite values; the layer before diverged, often a learning rate that is too large.");
            }
        }
    }

    @Override
    FastLayer fastLayer() {
        return new GroupNormKernel(gamma, beta, eps, perElement(), center(), this::groups, this::checkStatistics);
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(gamma, beta);
    }

    @Override
    public INDArray gamma() {
        return gamma.value();
    }

    @Override
    public INDArray beta() {
        return beta.value();
    }

    @Override
    public double eps() {
        return eps;
    }

    /** None: every example is normalized with its own statistics, in training and in inference. */
    @Override
    public MovingStatistics movingStatistics() {
        return null;
    }

    /** Recorded for {@link #isTraining()} only: both modes compute the same thing. */
    @Override
    public void setTraining(boolean training) {
        this.training = training;
    }

    @Override
    public boolean isTraining() {
        return training;
    }
}
