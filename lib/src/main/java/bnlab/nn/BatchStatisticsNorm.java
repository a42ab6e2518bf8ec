package bnlab.nn;

import bnlab.nn.kernel.BatchNormKernel;
import bnlab.nn.kernel.BatchNormalizer;
import bnlab.nn.kernel.FastLayer;
import bnlab.nn.kernel.SmallArrays;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What every batch norm shares — {@link BatchNorm}, {@link GhostBatchNorm} and {@link BatchRenorm}:
 * per-channel γ, β (initialized to 1 and 0) and {@link MovingStatistics} (mean 0, variance 1),
 * shaped (1, C) for {@code numDims} 2 and (1, C, 1, 1) for 4; statistics of the batch in training
 * mode, moving averages of them in inference mode, with eps 1e-5 and momentum 0.9 by default;
 * the input checks; and the computation, {@link BatchNormFunction}'s (as written) or the fast
 * engine's {@link BatchNormKernel} (in a {@link Sequential}), which both ask the layer the same
 * two questions: how many examples make a virtual batch, and, given the statistics of each,
 * what to normalize with ({@link #trainingStep}). Inference normalizes with the moving statistics:
 * y = γ·(x − μ)/√(σ² + ε) + β, and dX = γ·dY/√(σ² + ε).
 */
public abstract class BatchStatisticsNorm extends TwinnedLayer implements NormalizationLayer {

    private final int numFeatures;
    private final int numDims;
    private final double eps;
    private final boolean affine;
    private final Parameter gamma;
    private final Parameter beta;
    private final MovingStatistics moving;
    private final BatchNormKernel.Hooks hooks = new BatchNormKernel.Hooks() {
        @Override
        public boolean training() {
            return training;
        }

        @Override
        public int virtualBatch(int n) {
            return BatchStatisticsNorm.this.virtualBatch(n);
        }

        @Override
        public BatchNormalizer training(long[] shape, double[][] mean, double[][] var) {
            return trainingStep(shape, mean, var);
        }

        @Override
        public BatchNormalizer inference(long[] shape) {
            return BatchNormFunction.movingNormalizer(
                    shape,
                    SmallArrays.read(moving.mean()),
                    SmallArrays.read(moving.variance()),
                    eps,
                    center(),
                    scale());
        }
    };
    private boolean training = true;
    private BatchNormFunction.Normalized last;

    /** γ and β trained when {@code affine}, else fixed at 1 and 0. */
    BatchStatisticsNorm(int numFeatures, int numDims, double eps, double momentum, DataType type, boolean affine) {
        String layer = getClass().getSimpleName();
        if (numFeatures < 1) {
            throw new IllegalArgumentException(layer + ": numFeatures must be the number of channels (>= 1) of "
                    + "the layer before, got " + numFeatures);
        }
        if (numDims != 2 && numDims != 4) {
            throw new IllegalArgumentException(layer + ": numDims must be 2 (after a fully-connected layer) or 4 "
                    + "(after a convolution), got " + numDims);
        }
        if (type != DataType.FLOAT && type != DataType.DOUBLE) {
            throw new IllegalArgumentException(layer + ": parameters and moving statistics are FLOAT (training) or "
                    + "DOUBLE (gradient checks), got " + type + ": a whole-number type would round every update of "
                    + "the moving statistics away. Use DataType.FLOAT.");
        }
        BatchNormChecks.hyperparameters(eps, momentum);
        this.numFeatures = numFeatures;
        this.numDims = numDims;
        this.eps = eps;
        this.affine = affine;
        long[] shape = perChannelShape();
        this.gamma = Parameter.of("gamma", Nd4j.ones(type, shape));
        this.beta = Parameter.of("beta", Nd4j.zeros(type, shape));
        this.moving = new MovingStatistics(shape, type, momentum);
    }

    /** (1, C) or (1, C, 1, 1): how per-channel arrays broadcast against the input. */
    final long[] perChannelShape() {
        return numDims == 2 ? new long[] {1, numFeatures} : new long[] {1, numFeatures, 1, 1};
    }

    /** Examples per virtual batch for a training batch of n: n, the whole batch is one (Ghost BN cuts it). */
    int virtualBatch(int n) {
        return n;
    }

    /**
     * One training step's bookkeeping from the statistics of each virtual batch, [k][channel]:
     * checks them, updates the moving averages, and says what normalizes. Both engines call it,
     * so they keep the same state and fail with the same messages.
     */
    abstract BatchNormalizer trainingStep(long[] shape, double[][] mean, double[][] var);

    /** Whether the mean is subtracted (false for batch norm's "variance only" lite form). */
    public boolean center() {
        return true;
    }

    /** Whether the result is divided by √(σ² + ε) (false for the "mean only" lite form). */
    public boolean scale() {
        return true;
    }

    /** Checks the input, then normalizes with batch statistics (training) or moving ones (inference). */
    @Override
    public final INDArray forward(INDArray x) {
        long[] shape = LayerChecks.shape(toString(), x);
        checkInput(shape);
        BatchNormChecks.input(x);
        last = BatchNormFunction.normalize(x, gamma.value(), beta.value(), hooks);
        return last.y();
    }

    @Override
    public final INDArray backward(INDArray dY) {
        LayerChecks.requireForward(toString(), last);
        LayerChecks.gradient(toString(), dY, last.y().shape());
        return BatchNormFunction.backward(dY, last, gamma.value(), gamma.grad(), beta.grad());
    }

    /** Training batches need two values per channel in every virtual batch (one value has no variance). */
    final void checkBatch(long[] shape, double[][] mean, double[][] var) {
        BatchNormChecks.enoughValues(shape);
        for (int k = 0; k < mean.length; k++) {
            BatchNormChecks.finite("batch", shape, mean[k], var[k]);
        }
    }

    @Override
    void checkInput(long[] shape) {
        if (shape == null || shape.length != numDims) {
            String got = shape == null ? "null" : "rank " + shape.length + " " + Arrays.toString(shape);
            throw new IllegalArgumentException(this + " expects input of rank " + numDims
                    + (numDims == 2 ? " (N, " + numFeatures + ")" : " (N, " + numFeatures + ", H, W)")
                    + " but got " + got + ". "
                    + (shape != null && (shape.length == 2 || shape.length == 4)
                            ? "Use numDims=" + shape.length + " for that input, or reshape it."
                            : "Reshape it, e.g. x.reshape(N, " + numFeatures + (numDims == 2 ? ")." : ", H, W).")));
        }
        if (shape[1] != numFeatures) {
            throw new IllegalArgumentException(this + " expects " + numFeatures
                    + " channels on axis 1 but got " + shape[1] + " in shape " + Arrays.toString(shape)
                    + ": numFeatures must equal the number of outputs/channels of the layer before.");
        }
    }

    @Override
    final FastLayer fastLayer() {
        return new BatchNormKernel(gamma, beta, hooks);
    }

    /** γ and β; none when they are fixed. */
    @Override
    public List<Parameter> parameters() {
        return affine ? List.of(gamma, beta) : List.of();
    }

    @Override
    public void setTraining(boolean training) {
        this.training = training;
    }

    @Override
    public boolean isTraining() {
        return training;
    }

    @Override
    public INDArray gamma() {
        return gamma.value();
    }

    @Override
    public INDArray beta() {
        return beta.value();
    }

    public INDArray movingMean() {
        return moving.mean();
    }

    public INDArray movingVar() {
        return moving.variance();
    }

    @Override
    public MovingStatistics movingStatistics() {
        return moving;
    }

    public int numFeatures() {
        return numFeatures;
    }

    public int numDims() {
        return numDims;
    }

    @Override
    public double eps() {
        return eps;
    }

    public double momentum() {
        return moving.momentum();
    }

    /** Whether γ and β are trained. */
    public boolean affine() {
        return affine;
    }

    /** "numFeatures, numDims=…, eps=…, momentum=…" for the subclasses' toString. */
    final String describe() {
        return numFeatures + ", numDims=" + numDims + ", eps=" + eps + ", momentum=" + momentum();
    }

    final String mode() {
        return training ? "training" : "inference";
    }
}
