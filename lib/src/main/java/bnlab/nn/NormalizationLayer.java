package bnlab.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A layer that normalizes its input with a mean and a variance and then scales by γ and shifts
 * by β: {@link BatchNorm} and its variants ({@link GhostBatchNorm}, {@link BatchRenorm}), whose
 * statistics come from the batch, and {@link LayerNorm}, {@link GroupNorm} and
 * {@link InstanceNorm}, whose statistics come from each example alone. Tools that work on "every
 * normalization layer of a network" ({@link PreciseBatchNorm},
 * {@code bnlab.experiments.BatchNoise}) find them through this type, so a new normalization layer
 * is found too.
 */
public interface NormalizationLayer extends Layer {

    /** γ, the learned scale (per channel, or per element for LayerNorm). */
    INDArray gamma();

    /** β, the learned shift. */
    INDArray beta();

    /** ε, added to the variance before the square root. */
    double eps();

    /**
     * The moving statistics this layer normalizes with in inference mode (and updates in
     * training mode), or null when it normalizes every example with its own statistics in both
     * modes and so keeps none.
     */
    MovingStatistics movingStatistics();

    /** Whether the layer is in training mode (batch statistics) rather than inference mode. */
    boolean isTraining();
}
