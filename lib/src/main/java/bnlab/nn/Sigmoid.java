package bnlab.nn;

import bnlab.nn.kernel.ElementwiseKernel;
import bnlab.nn.kernel.FastLayer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** σ(x) = 1 / (1 + e^−x), elementwise; its derivative is σ(x)·(1 − σ(x)), computed from the output. */
public class Sigmoid extends TwinnedLayer {

    private INDArray y;

    @Override
    public INDArray forward(INDArray x) {
        LayerChecks.shape(toString(), x);
        y = Transforms.sigmoid(x, true);
        return y;
    }

    @Override
    public INDArray backward(INDArray dY) {
        LayerChecks.requireForward(toString(), y);
        LayerChecks.gradient(toString(), dY, y.shape());
        // dX = dY · y · (1 − y)
        return y.rsub(1).muli(y).muli(dY);
    }

    @Override
    FastLayer fastLayer() {
        return ElementwiseKernel.sigmoid();
    }

    @Override
    void checkInput(long[] shape) {}

    @Override
    public String toString() {
        return "Sigmoid()";
    }
}
