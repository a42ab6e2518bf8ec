package bnlab.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/** The gradients of the loss with respect to a batch norm's input, gamma and beta. */
public record BatchNormGradients(INDArray dX, INDArray dGamma, INDArray dBeta) {}
