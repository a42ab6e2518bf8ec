package bnlab.nn;

import bnlab.nn.kernel.FastLayer;
import bnlab.nn.kernel.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A layer without a fast twin (one written in a notebook cell, say) inside the fast engine: its
 * input and dY are copied into new ND4J arrays, it runs as written, and its results are copied
 * back. So it works on its own copies, as {@link Sequential} gives it in the other engine too,
 * and its results are checked the same way: dX must have its input's shape, and only the first
 * layer of a network may return null.
 */
final class LayerAdapter implements FastLayer {

    private final Layer layer;
    private boolean inputGradient = true;
    private long[] inputShape;
    private Tensor y;
    private Tensor dX;

    LayerAdapter(Layer layer) {
        this.layer = layer;
    }

    @Override
    public Tensor forward(Tensor x) {
        inputShape = x.shape();
        INDArray out = layer.forward(x.toINDArray());
        LayerChecks.output(layer, out);
        y = Tensor.copyOf(out, y);
        return y;
    }

    @Override
    public Tensor backward(Tensor dY) {
        INDArray g = layer.backward(dY.toINDArray());
        LayerChecks.inputGradient(layer, g, inputShape, inputGradient);
        if (g == null) {
            return null;
        }
        dX = Tensor.copyOf(g, dX);
        return dX;
    }

    @Override
    public void inputGradientNotNeeded() {
        inputGradient = false;
        layer.inputGradientNotNeeded();
    }

    @Override
    public String toString() {
        return "LayerAdapter(" + layer + ")";
    }
}
