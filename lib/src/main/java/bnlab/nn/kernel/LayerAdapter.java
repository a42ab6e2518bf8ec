package bnlab.nn.kernel;

import bnlab.nn.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A layer without a fast kernel (one written in a notebook cell, say) inside the fast engine:
 * its input is copied into a new ND4J array, it runs as written, and its result is copied back.
 * The copies cost a little; the rest of the network keeps its speed.
 */
public final class LayerAdapter implements FastLayer {

    private final Layer layer;
    private Tensor y;
    private Tensor dX;

    public LayerAdapter(Layer layer) {
        this.layer = layer;
    }

    @Override
    public Tensor forward(Tensor x) {
        INDArray out = layer.forward(x.toINDArray());
        y = Tensor.copyOf(out, y);
        return y;
    }

    @Override
    public Tensor backward(Tensor dY) {
        INDArray g = layer.backward(dY.toINDArray());
        if (g == null) {
            return null;
        }
        dX = Tensor.copyOf(g, dX);
        return dX;
    }

    @Override
    public void inputGradientNotNeeded() {
        layer.inputGradientNotNeeded();
    }

    @Override
    public String toString() {
        return "LayerAdapter(" + layer + ")";
    }
}
