package bnlab.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What {@link BatchNormFunction#batchNorm} returns: the output {@code y} and the moving
 * statistics to keep (updated in training mode, the ones passed in otherwise), like d2l's
 * {@code return Y, moving_mean, moving_var}; plus what the backward pass needs: the normalized
 * input {@code xHat} and the per-channel {@code invStd} = 1/√(σ² + ε) that was used.
 */
public record BatchNormResult(
        INDArray y, INDArray movingMean, INDArray movingVar, INDArray xHat, INDArray invStd, Mode mode) {}
