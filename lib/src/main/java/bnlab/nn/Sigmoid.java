package bnlab.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** σ(x) = 1 / (1 + e^−x), elementwise; its derivative is σ(x)·(1 − σ(x)), computed from the output. */
public class Sigmoid implements Module {

    private INDArray y;
    private INDArray dX;
    private float[] scratch;
    private float[] gradScratch;

    @Override
    public INDArray forward(INDArray x) {
        y = Buffers.reuse(y, x.dataType(), x.shape());
        Nd4j.exec(new org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid(x, y));
        return y;
    }

    @Override
    public INDArray backward(INDArray dY) {
        Buffers.requireForward("Sigmoid", y);
        dX = Buffers.reuse(dX, y.dataType(), y.shape());
        if (FloatArrays.fast(dY) && FloatArrays.fast(y)) {
            float[] out = FloatArrays.read(y, scratch);
            float[] g = FloatArrays.read(dY, gradScratch);
            int n = (int) y.length();
            for (int i = 0; i < n; i++) {
                out[i] = g[i] * out[i] * (1 - out[i]);
            }
            scratch = out;
            gradScratch = g;
            FloatArrays.write(dX, 0, out, 0, n);
            return dX;
        }
        // dX = dY · y · (1 − y), in place in dX
        dX.assign(y).rsubi(1).muli(y).muli(dY);
        return dX;
    }

    @Override
    public String toString() {
        return "Sigmoid()";
    }
}
