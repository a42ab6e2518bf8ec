package bnlab.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/** (N, C, H, W) → (N, C·H·W), as a view when the input is contiguous; backward reshapes back. */
public class Flatten implements Module {

    private long[] inputShape;

    @Override
    public INDArray forward(INDArray x) {
        if (x.rank() < 2) {
            throw new IllegalArgumentException("Flatten expects at least (N, features), got rank " + x.rank());
        }
        inputShape = x.shape();
        return x.reshape('c', x.size(0), x.length() / x.size(0));
    }

    @Override
    public INDArray backward(INDArray dY) {
        Buffers.requireForward("Flatten", inputShape);
        return dY.reshape('c', inputShape);
    }

    @Override
    public String toString() {
        return "Flatten()";
    }
}
