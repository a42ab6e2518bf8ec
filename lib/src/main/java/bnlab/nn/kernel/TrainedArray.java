package bnlab.nn.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A trained array and its gradient, as a kernel sees a layer's parameter: it reads
 * {@link #value()} and overwrites {@link #grad()}. ({@code bnlab.nn.Parameter} is one; the kernels
 * need nothing else of the layers, so this package does not depend on {@code bnlab.nn}.)
 */
public interface TrainedArray {

    INDArray value();

    INDArray grad();
}
