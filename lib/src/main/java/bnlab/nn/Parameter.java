package bnlab.nn;

import bnlab.nn.kernel.TrainedArray;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A trained array and the gradient of the loss with respect to it, as an optimizer sees them.
 * {@code backward} writes {@link #grad()} (it overwrites, it does not accumulate); an optimizer
 * updates {@link #value()} in place, so the layer that owns it sees the change.
 */
public record Parameter(String name, INDArray value, INDArray grad) implements TrainedArray {

    /** A parameter with a zero gradient of the same shape and type as {@code value}. */
    public static Parameter of(String name, INDArray value) {
        return new Parameter(name, value, value.ulike().assign(0));
    }

    @Override
    public String toString() {
        return name + java.util.Arrays.toString(value.shape());
    }
}
