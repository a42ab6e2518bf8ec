package bnlab.nn;

import bnlab.nn.kernel.BatchNormalizer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Ghost batch normalization (Hoffer, Hubara &amp; Soudry 2017, "Train longer, generalize better"):
 * in training mode the batch is cut into virtual ("ghost") batches of {@code virtualBatch}
 * consecutive examples (the last one may be smaller), and each is batch-normalized with its own
 * statistics — exactly {@link BatchNorm}'s formula applied to each slice:
 * <pre>
 *   x̂ = (x − μ_k) / √(σ²_k + ε),   y = γ·x̂ + β    (μ_k, σ²_k over virtual batch k)
 * </pre>
 * The backward pass is BatchNorm's within each virtual batch; dγ and dβ add up over them. A large
 * batch thus keeps the noise of small-batch statistics (the regularization the paper is after)
 * while the gradient step still averages over the whole batch (notebook 9).
 *
 * <p><b>Moving statistics: updated once per batch</b>, with the average of the virtual batches'
 * means and biased variances (weighted by their sizes): moving = momentum·moving +
 * (1 − momentum)·average. Why not once per virtual batch, as the paper's sequential algorithm
 * would? (1) The moving averages then forget at the same rate per step as BatchNorm's with the
 * same momentum, whatever the virtual batch size — updating k times per step with momentum 0.9
 * would shrink the memory to 0.9^k per step; (2) the virtual batches of one step are processed
 * side by side, and one update does not weigh the last of them most. TensorFlow's
 * {@code BatchNormalization(virtual_batch_size=…)} does the same ("it is more efficient to just
 * update in one step and should not make a significant difference in the result"). The averaged
 * variance is the within-virtual-batch variance, the one the training batches were normalized
 * with. Inference is BatchNorm's, with the moving statistics.
 */
public class GhostBatchNorm extends BatchStatisticsNorm {

    private final int virtualBatch;

    /** eps 1e-5, momentum 0.9, float, as {@link BatchNorm}. */
    public GhostBatchNorm(int numFeatures, int numDims, int virtualBatch) {
        this(numFeatures, numDims, virtualBatch, BatchNormFunction.EPS, BatchNormFunction.MOMENTUM, DataType.FLOAT);
    }

    public GhostBatchNorm(int numFeatures, int numDims, int virtualBatch, double eps, double momentum, DataType type) {
        super(numFeatures, numDims, eps, momentum, type, true);
        if (virtualBatch < 1) {
            throw new IllegalArgumentException("GhostBatchNorm: virtualBatch is the number of examples per ghost "
                    + "batch and must be >= 1 (>= 2 after a fully-connected layer), got " + virtualBatch);
        }
        this.virtualBatch = virtualBatch;
    }

    @Override
    int virtualBatch(int n) {
        return Math.min(virtualBatch, n);
    }

    /** Each virtual batch normalizes with its own statistics; the moving averages take their weighted average. */
    @Override
    BatchNormalizer trainingStep(long[] shape, double[][] mean, double[][] var) {
        checkVirtualBatches(shape);
        checkBatch(shape, mean, var);
        recordAverage((int) shape[0], mean, var);
        return BatchNormalizer.of(mean, var, eps(), true, true);
    }

    /** The moving averages take the size-weighted average of the virtual batches' statistics. */
    private void recordAverage(int n, double[][] mean, double[][] var) {
        int v = virtualBatch(n);
        double[] avgMean = new double[numFeatures()];
        double[] avgVar = new double[numFeatures()];
        for (int i = 0; i < mean.length; i++) {
            double weight = (double) (BatchNormalizer.end(i, v, n) - BatchNormalizer.first(i, v)) / n;
            for (int c = 0; c < avgMean.length; c++) {
                avgMean[c] += weight * mean[i][c];
                avgVar[c] += weight * var[i][c];
            }
        }
        movingStatistics().record(avgMean, avgVar);
    }

    /** Every virtual batch needs two values per channel, or its variance is 0 and says nothing. */
    private void checkVirtualBatches(long[] shape) {
        int n = (int) shape[0];
        int v = virtualBatch(n);
        long perExample = shape.length == 4 ? shape[2] * shape[3] : 1;
        int smallest = n % v == 0 ? v : n % v;
        if (smallest * perExample < 2) {
            throw new IllegalArgumentException(this + ": a batch of " + n + " examples " + Arrays.toString(shape)
                    + " leaves a virtual batch of " + smallest + " example with one value per channel, which has "
                    + "no variance. Use a batch size that is a multiple of " + virtualBatch + ", a virtualBatch of at "
                    + "least 2, or inference mode (eval()) for single examples.");
        }
    }

    public int virtualBatchSize() {
        return virtualBatch;
    }

    @Override
    public String toString() {
        return "GhostBatchNorm(" + describe() + ", virtualBatch=" + virtualBatch + ", " + mode() + ")";
    }
}
