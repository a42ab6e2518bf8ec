package bnlab.nn;

import bnlab.nn.kernel.FastLayer;
import bnlab.nn.kernel.GhostBatchNormKernel;
import bnlab.nn.kernel.GhostBatchNormKernel.Normalizer;
import bnlab.nn.kernel.Normalization;
import bnlab.nn.kernel.SmallArrays;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What {@link GhostBatchNorm} and {@link BatchRenorm} share with {@link BatchNorm}: per-channel
 * γ, β (initialized to 1 and 0) and moving mean and variance (0 and 1), shaped (1, C) for
 * {@code numDims} 2 and (1, C, 1, 1) for 4; statistics of the batch in training mode, moving
 * averages of them in inference mode, updated like our BatchNorm's:
 * moving = momentum·moving + (1 − momentum)·batch, with the biased batch variance, momentum 0.9
 * and eps 1e-5 by default. Inference is exactly BatchNorm's: y = γ·(x − μ)/√(σ² + ε) + β with the
 * moving μ, σ², and dX = γ·dY/√(σ² + ε).
 */
public abstract class BatchStatisticsNorm implements NormalizationLayer, FastPath {

    private final int numFeatures;
    private final int numDims;
    private final double eps;
    private final double momentum;
    private final Parameter gamma;
    private final Parameter beta;
    private final MovingStatistics moving;
    private boolean training = true;
    private boolean lastForwardTraining;
    private long[] lastShape;
    private BatchNormResult lastInference;

    BatchStatisticsNorm(int numFeatures, int numDims, double eps, double momentum, DataType type) {
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
            throw new IllegalArgumentException(layer + ": parameters are FLOAT or DOUBLE, got " + type);
        }
        BatchNormChecks.hyperparameters(eps, momentum);
        this.numFeatures = numFeatures;
        this.numDims = numDims;
        this.eps = eps;
        this.momentum = momentum;
        long[] shape = perChannelShape();
        this.gamma = Parameter.of("gamma", Nd4j.ones(type, shape));
        this.beta = Parameter.of("beta", Nd4j.zeros(type, shape));
        this.moving = new MovingStatistics(shape, type, momentum);
    }

    /** (1, C) or (1, C, 1, 1): how per-channel arrays broadcast against the input. */
    final long[] perChannelShape() {
        return numDims == 2 ? new long[] {1, numFeatures} : new long[] {1, numFeatures, 1, 1};
    }

    /** Examples per virtual batch for a training batch of n (n itself when the whole batch is one). */
    abstract int virtualBatch(int n);

    /**
     * One training step's bookkeeping from the statistics of each virtual batch, [k][channel]:
     * checks them, updates the moving averages, and says what normalizes. Both engines call it,
     * so they keep the same state.
     */
    abstract Normalizer trainingStep(long[] shape, double[][] mean, double[][] var);

    /** The moving statistics as a normalization of one virtual batch (inference mode). */
    final Normalizer inferenceStep(long[] shape) {
        double[] mean = SmallArrays.read(moving.mean());
        double[] var = SmallArrays.read(moving.variance());
        BatchNormChecks.finite("moving", shape, mean, var);
        return Normalizer.plain(new double[][] {mean}, new double[][] {var}, eps);
    }

    /** Checks the input, then normalizes with batch statistics (training) or moving ones (inference). */
    @Override
    public final INDArray forward(INDArray x) {
        long[] shape = LayerChecks.shape(toString(), x);
        checkInput(shape);
        lastForwardTraining = training;
        lastShape = shape;
        return training ? forwardTraining(x, shape) : forwardInference(x);
    }

    @Override
    public final INDArray backward(INDArray dY) {
        LayerChecks.requireForward(toString(), lastShape);
        LayerChecks.gradient(toString(), dY, lastShape);
        return lastForwardTraining ? backwardTraining(dY) : backwardInference(dY);
    }

    /** Training mode on a checked input: the layer's own normalization, which updates the moving statistics. */
    abstract INDArray forwardTraining(INDArray x, long[] shape);

    /** The backward pass of the latest {@link #forwardTraining}. */
    abstract INDArray backwardTraining(INDArray dY);

    /** Inference mode, as BatchNorm: normalize with the moving statistics. */
    private INDArray forwardInference(INDArray x) {
        lastInference = BatchNormFunction.batchNorm(x, gamma.value(), beta.value(), moving.mean(), moving.variance(), eps,
                Mode.INFERENCE, Normalization.FULL, (mean, var) -> { });
        return lastInference.y();
    }

    /** The backward pass of {@link #forwardInference}: the moving statistics are constants. */
    private INDArray backwardInference(INDArray dY) {
        LayerChecks.requireForward(toString(), lastInference);
        return BatchNormFunction.batchNormBackward(dY, lastInference, gamma.value(), Normalization.FULL, null,
                gamma.grad(), beta.grad()).dX();
    }

    /** moving = momentum·moving + (1 − momentum)·batch, in place (the fast twin shares these arrays). */
    final void updateMovingStatistics(double[] mean, double[] var) {
        moving.record(mean, var);
    }

    @Override
    public void checkInput(long[] shape) {
        String expected = numDims == 2 ? "(N, " + numFeatures + ")" : "(N, " + numFeatures + ", H, W)";
        if (shape == null || shape.length != numDims) {
            throw new IllegalArgumentException(this + " expects input " + expected + " but got "
                    + (shape == null ? "null" : Arrays.toString(shape)) + ": use numDims=2 after a fully-connected "
                    + "layer and numDims=4 after a convolution, or reshape the input.");
        }
        if (shape[1] != numFeatures) {
            throw new IllegalArgumentException(this + " expects " + numFeatures + " channels on axis 1 but got shape "
                    + Arrays.toString(shape) + ": numFeatures must equal the outputs/channels of the layer before.");
        }
    }

    @Override
    public FastLayer fastLayer() {
        return new GhostBatchNormKernel(gamma, beta, new GhostBatchNormKernel.Hooks() {
            @Override
            public boolean training() {
                return training;
            }

            @Override
            public int virtualBatch(int n) {
                return BatchStatisticsNorm.this.virtualBatch(n);
            }

            @Override
            public Normalizer training(long[] shape, double[][] mean, double[][] var) {
                return trainingStep(shape, mean, var);
            }

            @Override
            public Normalizer inference(long[] shape) {
                return inferenceStep(shape);
            }
        });
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(gamma, beta);
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

    Parameter gammaParameter() {
        return gamma;
    }

    Parameter betaParameter() {
        return beta;
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

    /** "numFeatures, numDims=…, eps=…, momentum=…" for the subclasses' toString. */
    final String describe() {
        return numFeatures + ", numDims=" + numDims + ", eps=" + eps + ", momentum=" + momentum;
    }

    final String mode() {
        return training ? "training" : "inference";
    }
}
