package bnlab.nn;

import bnlab.nn.kernel.FastLayer;
import bnlab.nn.kernel.FlattenKernel;
import org.nd4j.linalg.api.ndarray.INDArray;

/** (N, C, H, W) → (N, C·H·W); backward reshapes the gradient back. */
public class Flatten extends TwinnedLayer {

    private long[] inputShape;

    @Override
    public INDArray forward(INDArray x) {
        checkInput(LayerChecks.shape(toString(), x));
        inputShape = x.shape();
        return x.dup('c').reshape('c', x.size(0), x.length() / x.size(0));
    }

    @Override
    public INDArray backward(INDArray dY) {
        LayerChecks.requireForward(toString(), inputShape);
        LayerChecks.gradient(toString(), dY, new long[] {
            inputShape[0], java.util.Arrays.stream(inputShape).skip(1).reduce(1, (a, b) -> a * b)
        });
        return dY.dup('c').reshape('c', inputShape);
    }

    @Override
    FastLayer fastLayer() {
        return new FlattenKernel();
    }

    @Override
    void checkInput(long[] shape) {
        if (shape.length < 2) {
            throw new IllegalArgumentException("Flatten expects at least (N, features), got rank " + shape.length);
        }
    }

    @Override
    public String toString() {
        return "Flatten()";
    }
}
