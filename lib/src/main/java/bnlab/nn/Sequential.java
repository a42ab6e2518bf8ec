package bnlab.nn;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Layers applied in order, {@code nn.Sequential(...)}: forward runs them first to last, backward
 * last to first, {@link #parameters()} collects theirs, train()/eval() reaches every layer.
 * Any {@link Module} fits, including one written in a notebook cell.
 *
 * <p>Layers keep their output arrays between steps (allocation is what makes ND4J slow), so
 * the array {@link #forward} returns is overwritten by the next call: {@code dup()} it to keep it.
 */
public class Sequential implements Module {

    private final List<Module> layers;

    public Sequential(Module... layers) {
        if (layers.length == 0) {
            throw new IllegalArgumentException("Sequential needs at least one layer");
        }
        for (int i = 0; i < layers.length; i++) {
            if (layers[i] == null) {
                throw new IllegalArgumentException("Sequential: layer " + i + " is null");
            }
        }
        this.layers = List.of(layers);
        layers[0].inputGradientNotNeeded();
    }

    @Override
    public INDArray forward(INDArray x) {
        for (int i = 0; i < layers.size(); i++) {
            try {
                x = layers.get(i).forward(x);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("layer " + i + " (" + layers.get(i) + "): " + e.getMessage(), e);
            }
        }
        return x;
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        for (int i = layers.size() - 1; i >= 0 && gradOutput != null; i--) {
            gradOutput = layers.get(i).backward(gradOutput);
        }
        return gradOutput;
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>();
        for (Module m : layers) {
            all.addAll(m.parameters());
        }
        return all;
    }

    @Override
    public void setTraining(boolean training) {
        layers.forEach(m -> m.setTraining(training));
    }

    /** The i-th layer, like {@code net[i]} in PyTorch. */
    public Module get(int i) {
        return layers.get(i);
    }

    public int size() {
        return layers.size();
    }

    /** How many numbers the optimizer trains. */
    public long parameterCount() {
        return parameters().stream().mapToLong(p -> p.value().length()).sum();
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Sequential(\n");
        for (int i = 0; i < layers.size(); i++) {
            s.append("  (").append(i).append("): ").append(layers.get(i)).append('\n');
        }
        return s.append(')').toString();
    }
}
