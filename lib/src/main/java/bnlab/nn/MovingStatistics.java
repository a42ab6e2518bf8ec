package bnlab.nn;

import bnlab.nn.kernel.SmallArrays;
import java.util.function.BiConsumer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The moving mean and variance a batch norm (or a variant) normalizes with in inference mode,
 * per channel, shaped (1, C) or (1, C, 1, 1), starting at 0 and 1, and updated with every
 * training batch's mean μ_B and biased variance σ²_B by d2l's rule
 * <pre>
 *   moving = momentum · moving + (1 − momentum) · batch          (momentum 0.9 by default)
 * </pre>
 * One object per layer, shared by the layer and its fast twin. While a collector is set
 * ({@link PreciseBatchNorm}), the batch statistics go to it instead and the averages stay as
 * they are.
 */
public final class MovingStatistics {

    private final INDArray mean;
    private final INDArray variance;
    private final double momentum;
    private BiConsumer<double[], double[]> collector;

    /** Mean 0 and variance 1 of {@code shape} and {@code type}. */
    MovingStatistics(long[] shape, DataType type, double momentum) {
        this.mean = Nd4j.zeros(type, shape);
        this.variance = Nd4j.ones(type, shape);
        this.momentum = momentum;
    }

    /** The moving mean (the layer's own array: writing into it changes the layer). */
    public INDArray mean() {
        return mean;
    }

    /** The moving (biased) variance (the layer's own array). */
    public INDArray variance() {
        return variance;
    }

    /** The weight of the old value in each update. */
    public double momentum() {
        return momentum;
    }

    /** One training batch's per-channel mean and biased variance: averaged in, or handed to the collector. */
    void record(double[] batchMean, double[] batchVar) {
        if (collector != null) {
            collector.accept(batchMean, batchVar);
            return;
        }
        SmallArrays.write(mean, movingAverage(SmallArrays.read(mean), batchMean, momentum));
        SmallArrays.write(variance, movingAverage(SmallArrays.read(variance), batchVar, momentum));
    }

    /** From now on, hands the batch statistics to {@code c} instead of averaging them; null stops. */
    void collectInto(BiConsumer<double[], double[]> c) {
        collector = c;
    }

    /** Whether a collector receives the batch statistics (the averages are frozen meanwhile). */
    boolean collecting() {
        return collector != null;
    }

    /** momentum · old + (1 − momentum) · batch, per channel. */
    static double[] movingAverage(double[] old, double[] batch, double momentum) {
        double[] updated = new double[old.length];
        for (int c = 0; c < old.length; c++) {
            updated[c] = momentum * old[c] + (1 - momentum) * batch[c];
        }
        return updated;
    }

    @Override
    public String toString() {
        return "MovingStatistics(momentum=" + momentum + ", " + mean.length() + " channels)";
    }
}
