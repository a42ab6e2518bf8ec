package bnlab.nn;

import bnlab.nn.kernel.BatchNormRows;
import bnlab.nn.kernel.GhostBatchNormKernel.Normalizer;
import bnlab.nn.kernel.Normalization;
import bnlab.nn.kernel.Rows;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

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
    private BatchNormResult[] lastGhosts;

    /** eps 1e-5, momentum 0.9, float, as {@link BatchNorm}. */
    public GhostBatchNorm(int numFeatures, int numDims, int virtualBatch) {
        this(numFeatures, numDims, virtualBatch, BatchNormFunction.EPS, BatchNormFunction.MOMENTUM, DataType.FLOAT);
    }

    public GhostBatchNorm(int numFeatures, int numDims, int virtualBatch, double eps, double momentum, DataType type) {
        super(numFeatures, numDims, eps, momentum, type);
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

    @Override
    INDArray forwardTraining(INDArray x, long[] shape) {
        int n = (int) shape[0];
        int v = virtualBatch(n);
        int k = (n + v - 1) / v;
        checkVirtualBatches(shape);
        for (int i = 0; i < k; i++) {
            // the fast twin's check, on the whole input's shape (the function below would name the slice's)
            INDArray ghost = slice(x, i * v, Math.min(n, (i + 1) * v)).dup('c');
            double[][] stats = BatchNormRows.batchStatistics(Rows.of(ghost), numFeatures());
            BatchNormChecks.finite("batch", shape, stats[0], stats[1]);
        }
        double[][] mean = new double[k][];
        double[][] var = new double[k][];
        BatchNormResult[] ghosts = new BatchNormResult[k];
        INDArray[] ys = new INDArray[k];
        for (int i = 0; i < k; i++) {
            int at = i;
            ghosts[i] = BatchNormFunction.batchNorm(slice(x, i * v, Math.min(n, (i + 1) * v)), gammaParameter().value(),
                    betaParameter().value(), movingMean(), movingVar(), eps(), Mode.TRAINING, Normalization.FULL,
                    (mu, sigma2) -> {
                        mean[at] = mu;
                        var[at] = sigma2;
                    });
            ys[i] = ghosts[i].y();
        }
        recordAverage(n, mean, var);
        lastGhosts = ghosts;
        return k == 1 ? ys[0] : Nd4j.concat(0, ys);
    }

    @Override
    INDArray backwardTraining(INDArray dY) {
        LayerChecks.requireForward(toString(), lastGhosts);
        int n = (int) dY.size(0);
        int v = virtualBatch(n);
        INDArray[] dXs = new INDArray[lastGhosts.length];
        INDArray dGamma = null;
        INDArray dBeta = null;
        for (int i = 0; i < lastGhosts.length; i++) {
            BatchNormGradients grads = BatchNormFunction.batchNormBackward(slice(dY, i * v, Math.min(n, (i + 1) * v)),
                    lastGhosts[i], gammaParameter().value());
            dXs[i] = grads.dX();
            dGamma = dGamma == null ? grads.dGamma() : dGamma.addi(grads.dGamma());
            dBeta = dBeta == null ? grads.dBeta() : dBeta.addi(grads.dBeta());
        }
        gammaParameter().grad().assign(dGamma);
        betaParameter().grad().assign(dBeta);
        return dXs.length == 1 ? dXs[0] : Nd4j.concat(0, dXs);
    }

    @Override
    Normalizer trainingStep(long[] shape, double[][] mean, double[][] var) {
        checkVirtualBatches(shape);
        for (int i = 0; i < mean.length; i++) {
            BatchNormChecks.finite("batch", shape, mean[i], var[i]);
        }
        recordAverage((int) shape[0], mean, var);
        return Normalizer.plain(mean, var, eps());
    }

    /** The moving averages take the size-weighted average of the virtual batches' statistics. */
    private void recordAverage(int n, double[][] mean, double[][] var) {
        int v = virtualBatch(n);
        double[] avgMean = new double[numFeatures()];
        double[] avgVar = new double[numFeatures()];
        for (int i = 0; i < mean.length; i++) {
            double weight = (double) (Math.min(n, (i + 1) * v) - i * v) / n;
            for (int c = 0; c < avgMean.length; c++) {
                avgMean[c] += weight * mean[i][c];
                avgVar[c] += weight * var[i][c];
            }
        }
        updateMovingStatistics(avgMean, avgVar);
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

    /** Examples [from, to) along axis 0 (a view). */
    private static INDArray slice(INDArray a, int from, int to) {
        INDArrayIndex[] index = new INDArrayIndex[a.rank()];
        index[0] = NDArrayIndex.interval(from, to);
        for (int d = 1; d < index.length; d++) {
            index[d] = NDArrayIndex.all();
        }
        return a.get(index);
    }

    public int virtualBatchSize() {
        return virtualBatch;
    }

    @Override
    public String toString() {
        return "GhostBatchNorm(" + describe() + ", virtualBatch=" + virtualBatch + ", " + mode() + ")";
    }
}
