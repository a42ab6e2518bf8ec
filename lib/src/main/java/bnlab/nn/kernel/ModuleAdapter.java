package bnlab.nn.kernel;

import bnlab.nn.Module;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A module without a fast kernel (one written in a notebook cell, say) inside the fast engine:
 * its input is copied into a new ND4J array, it runs as written, and its result is copied back.
 * The copies cost a little; the rest of the network keeps its speed.
 */
public final class ModuleAdapter implements FastLayer {

    private final Module module;
    private Tensor y;
    private Tensor dX;

    public ModuleAdapter(Module module) {
        this.module = module;
    }

    @Override
    public Tensor forward(Tensor x) {
        INDArray out = module.forward(x.toINDArray());
        y = Tensor.copyOf(out, y);
        return y;
    }

    @Override
    public Tensor backward(Tensor dY) {
        INDArray g = module.backward(dY.toINDArray());
        if (g == null) {
            return null;
        }
        dX = Tensor.copyOf(g, dX);
        return dX;
    }

    @Override
    public void inputGradientNotNeeded() {
        module.inputGradientNotNeeded();
    }

    @Override
    public String toString() {
        return "ModuleAdapter(" + module + ")";
    }
}
