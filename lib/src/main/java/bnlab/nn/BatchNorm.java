package bnlab.nn;

import bnlab.nn.kernel.BatchNormKernel;
import bnlab.nn.kernel.FastLayer;
import bnlab.nn.kernel.Normalization;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * d2l's {@code BatchNorm} layer: it keeps gamma and beta (trained parameters, initialized
 * to 1 and 0) and the moving mean and variance (state, initialized to 0 and 1), and calls
 * {@link BatchNormFunction#batchNorm} with eps 1e-5 and momentum 0.9 (notebook 3):
 * moving = momentum·moving + (1 − momentum)·batch, with the biased batch variance.
 *
 * <p>{@code numDims} is 2 after a fully-connected layer (input (N, C), parameters (1, C)) and 4
 * after a convolution (input (N, C, H, W), parameters (1, C, 1, 1)). A new layer is in training
 * mode; {@link #eval()} switches to the moving statistics.
 *
 * <p>For experiments: {@link #meanOnly} and {@link #varianceOnly} normalize with one of the two
 * statistics only, {@link #frozenAffine()} keeps γ = 1 and β = 0 out of training, and
 * {@link PreciseBatchNorm} replaces the moving averages by statistics recomputed over many batches.
 */
public class BatchNorm implements NormalizationLayer, FastPath {

    private final int numFeatures;
    private final int numDims;
    private final double eps;
    private final double momentum;
    private final Normalization kind;
    private final boolean affine;
    private final Parameter gamma;
    private final Parameter beta;
    private final MovingStatistics moving;
    private boolean training = true;
    private BatchNormResult last;
    private double[] lastBatchMean;

    public BatchNorm(int numFeatures, int numDims) {
        this(numFeatures, numDims, BatchNormFunction.EPS, BatchNormFunction.MOMENTUM, DataType.FLOAT);
    }

    public BatchNorm(int numFeatures, int numDims, double eps, double momentum, DataType type) {
        this(numFeatures, numDims, eps, momentum, type, Normalization.FULL, true);
    }

    /** "Lite" batch norm that only subtracts the batch mean: y = γ·(x − μ) + β. */
    public static BatchNorm meanOnly(int numFeatures, int numDims) {
        return new BatchNorm(numFeatures, numDims, BatchNormFunction.EPS, BatchNormFunction.MOMENTUM,
                DataType.FLOAT, Normalization.MEAN_ONLY, true);
    }

    /** "Lite" batch norm that only divides by the batch standard deviation: y = γ·x/√(σ² + ε) + β. */
    public static BatchNorm varianceOnly(int numFeatures, int numDims) {
        return new BatchNorm(numFeatures, numDims, BatchNormFunction.EPS, BatchNormFunction.MOMENTUM,
                DataType.FLOAT, Normalization.VARIANCE_ONLY, true);
    }

    /** The same layer with γ and β fixed at 1 and 0: they are no longer parameters, nothing trains them. */
    public BatchNorm frozenAffine() {
        return new BatchNorm(numFeatures, numDims, eps, momentum, gamma.value().dataType(), kind, false);
    }

    /** Any variant: which statistics normalize, and whether γ and β are trained. */
    public BatchNorm(int numFeatures, int numDims, double eps, double momentum, DataType type,
                     Normalization kind, boolean affine) {
        if (numFeatures < 1) {
            throw new IllegalArgumentException("BatchNorm: numFeatures must be the number of channels "
                    + "(>= 1) of the layer before, got " + numFeatures);
        }
        if (numDims != 2 && numDims != 4) {
            throw new IllegalArgumentException("BatchNorm: numDims must be 2 (after a fully-connected "
                    + "layer) or 4 (after a convolution), got " + numDims);
        }
        BatchNormChecks.hyperparameters(eps, momentum);
        if (type != DataType.FLOAT && type != DataType.DOUBLE) {
            throw new IllegalArgumentException("BatchNorm: parameters and moving statistics are FLOAT (training) or "
                    + "DOUBLE (gradient checks), got " + type + ": a whole-number type would round every update of "
                    + "the moving statistics away. Use DataType.FLOAT.");
        }
        this.numFeatures = numFeatures;
        this.numDims = numDims;
        this.eps = eps;
        this.momentum = momentum;
        this.kind = kind;
        this.affine = affine;
        long[] shape = numDims == 2 ? new long[] {1, numFeatures} : new long[] {1, numFeatures, 1, 1};
        this.gamma = Parameter.of("gamma", Nd4j.ones(type, shape));
        this.beta = Parameter.of("beta", Nd4j.zeros(type, shape));
        this.moving = new MovingStatistics(shape, type, momentum);
    }

    @Override
    public INDArray forward(INDArray x) {
        checkInput(LayerChecks.shape(toString(), x));
        Mode mode = training ? Mode.TRAINING : Mode.INFERENCE;
        last = BatchNormFunction.batchNorm(x, gamma.value(), beta.value(), moving.mean(), moving.variance(),
                eps, mode, kind, this::record);
        return last.y();
    }

    /** A training batch's statistics: the mean for the backward pass, both for the moving averages. */
    private void record(double[] mean, double[] var) {
        lastBatchMean = mean;
        moving.record(mean, var);
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        LayerChecks.requireForward(toString(), last);
        LayerChecks.gradient(toString(), gradOutput, last.y().shape());
        return BatchNormFunction.batchNormBackward(gradOutput, last, gamma.value(), kind, lastBatchMean,
                gamma.grad(), beta.grad()).dX();
    }

    @Override
    public void checkInput(long[] shape) {
        if (shape == null || shape.length != numDims) {
            String got = shape == null ? "null" : "rank " + shape.length + " " + Arrays.toString(shape);
            throw new IllegalArgumentException(this + " expects input of rank " + numDims
                    + (numDims == 2 ? " (N, " + numFeatures + ")" : " (N, " + numFeatures + ", H, W)")
                    + " but got " + got + ". " + (shape != null && (shape.length == 2 || shape.length == 4)
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
    public FastLayer fastLayer() {
        return new BatchNormKernel(gamma, beta, moving.mean(), moving.variance(), eps, kind, () -> training,
                new BatchNormKernel.Hooks() {
                    @Override
                    public void enoughValues(long[] shape) {
                        BatchNormChecks.enoughValues(shape);
                    }

                    @Override
                    public void finite(String which, long[] shape, double[] mean, double[] var) {
                        BatchNormChecks.finite(which, shape, mean, var);
                    }

                    @Override
                    public void record(double[] mean, double[] var) {
                        BatchNorm.this.record(mean, var);
                    }
                });
    }

    /** γ and β; none when they are frozen. */
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
        return momentum;
    }

    /** Which statistics normalize: both (the paper's), the mean only, or the variance only. */
    public Normalization normalization() {
        return kind;
    }

    /** Whether γ and β are trained. */
    public boolean affine() {
        return affine;
    }

    @Override
    public String toString() {
        return "BatchNorm(" + numFeatures + ", numDims=" + numDims + ", eps=" + eps + ", momentum="
                + momentum + (kind == Normalization.FULL ? "" : ", " + kind.name().toLowerCase().replace('_', '-'))
                + (affine ? "" : ", gamma=1 beta=0 frozen") + ", " + (training ? "training" : "inference") + ")";
    }
}
