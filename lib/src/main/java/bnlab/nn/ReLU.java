package bnlab.nn;

import bnlab.nn.kernel.ElementwiseKernel;
import bnlab.nn.kernel.FastLayer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** max(0, x), elementwise; the gradient passes where the input was positive. */
public class ReLU extends TwinnedLayer {

    private INDArray x;

    @Override
    public INDArray forward(INDArray input) {
        LayerChecks.shape(toString(), input);
        x = input;
        return Transforms.relu(input, true);
    }

    @Override
    public INDArray backward(INDArray dY) {
        LayerChecks.requireForward(toString(), x);
        LayerChecks.gradient(toString(), dY, x.shape());
        return x.gt(0).castTo(dY.dataType()).muli(dY);
    }

    @Override
    FastLayer fastLayer() {
        return ElementwiseKernel.relu();
    }

    @Override
    void checkInput(long[] shape) {}

    @Override
    public String toString() {
        return "ReLU()";
    }
}
