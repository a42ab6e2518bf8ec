package bnlab.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.factory.Nd4j;

/** max(0, x), elementwise; the gradient passes where the input was positive. */
public class ReLU implements Module {

    private INDArray x;
    private INDArray y;
    private INDArray dX;

    @Override
    public INDArray forward(INDArray input) {
        x = input;
        y = Buffers.reuse(y, input.dataType(), input.shape());
        Nd4j.exec(new RectifiedLinear(input, y, 0.0));
        return y;
    }

    @Override
    public INDArray backward(INDArray dY) {
        Buffers.requireForward("ReLU", x);
        dX = Buffers.reuse(dX, y.dataType(), y.shape());
        dX.assign(x.gt(0).castTo(y.dataType())).muli(dY);
        return dX;
    }

    @Override
    public String toString() {
        return "ReLU()";
    }
}
