package bnlab.nn;

import bnlab.nn.kernel.FastLayer;
import bnlab.nn.kernel.FastSequential;
import bnlab.nn.kernel.LayerAdapter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Layers applied in order, {@code nn.Sequential(...)}: forward runs them first to last, backward
 * last to first, {@link #parameters()} collects theirs, train()/eval() reaches every layer.
 * Any {@link Layer} fits, including one written in a notebook cell.
 *
 * <p><b>Two engines, one result.</b> On float inputs a Sequential runs its layers' twins in the
 * fast engine ({@link bnlab.nn.kernel}: the same mathematics on heap arrays with SIMD vectors,
 * about ten times faster); a layer without a twin (yours, say) runs as written inside it.
 * {@code useFastEngine(false)} runs every layer's own {@code forward} and {@code backward}
 * instead; the tests check the two agree. Either way, the array {@link #forward} returns is
 * new: keeping it is safe.
 */
public class Sequential implements Layer {

    private final List<Layer> layers;
    private boolean fastEngine = FastSequential.available();
    private FastSequential engine;
    private boolean lastForwardFast;
    private boolean training = true;
    private final List<Consumer<INDArray>> observers = new ArrayList<>();

    public Sequential(Layer... layers) {
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
        for (Layer m : layers) {
            observers.add(null);
        }
    }

    @Override
    public INDArray forward(INDArray x) {
        lastForwardFast = usesFastEngine(x);
        if (lastForwardFast) {
            return engine().forward(x);
        }
        for (int i = 0; i < layers.size(); i++) {
            try {
                x = layers.get(i).forward(x);
            } catch (IllegalArgumentException e) {
                throw named(i, layers.get(i).toString(), e);
            }
            if (observers.get(i) != null) {
                observers.get(i).accept(x.dup());
            }
        }
        return x;
    }

    /**
     * Layer i's error with its place in the network in front ("layer 3 (BatchNorm(...)): ..."),
     * of the same kind: a {@link DivergenceException} stays one.
     */
    public static IllegalArgumentException named(int i, String layer, IllegalArgumentException e) {
        String message = "layer " + i + " (" + layer + "): " + e.getMessage();
        return e instanceof DivergenceException ? new DivergenceException(message, e)
                : new IllegalArgumentException(message, e);
    }

    /**
     * Calls {@code observer} with a copy of layer i's output after every forward pass, in
     * training and in inference, like a PyTorch forward hook: to watch what a layer produces
     * while the network trains (e.g. the input of a sigmoid). {@code null} removes it. Copies
     * cost time: observe what you need, then remove the observer.
     */
    public Sequential observe(int layer, Consumer<INDArray> observer) {
        observers.set(layer, observer);
        if (engine != null) {
            engine.observe(layer, observer == null ? null : t -> observer.accept(t.toINDArray()));
        }
        return this;
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        if (lastForwardFast) {
            return engine().backward(gradOutput);
        }
        for (int i = layers.size() - 1; i >= 0 && gradOutput != null; i--) {
            gradOutput = layers.get(i).backward(gradOutput);
        }
        return gradOutput;
    }

    /**
     * Lets go of the fast engine's working arrays (tens of megabytes at batch 256); the next
     * forward pass builds them again. For networks kept around after training.
     */
    public void releaseEngine() {
        engine = null;
        lastForwardFast = false;
    }

    /** Turns the fast engine on (the default where Java has the Vector API) or off. */
    public Sequential useFastEngine(boolean on) {
        if (on && !FastSequential.available()) {
            throw new IllegalStateException(FastSequential.describe());
        }
        fastEngine = on;
        return this;
    }

    /** Whether {@link #forward} runs this input in the fast engine: float input and parameters, engine on. */
    public boolean usesFastEngine(INDArray x) {
        return fastEngine && x != null && x.dataType() == DataType.FLOAT
                && parameters().stream().allMatch(p -> p.value().dataType() == DataType.FLOAT);
    }

    /**
     * The fast engine that runs this network: the layers' twins, built once (a layer without a
     * twin runs as written inside it). Benchmarks read its per-layer timings.
     */
    public FastSequential engine() {
        if (!FastSequential.available()) {
            throw new IllegalStateException(FastSequential.describe());
        }
        if (engine == null) {
            List<FastLayer> twins = new ArrayList<>();
            List<Consumer<long[]>> checks = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (Layer m : layers) {
                twins.add(m instanceof FastPath f ? f.fastLayer() : new LayerAdapter(m));
                checks.add(m instanceof FastPath f ? f::checkInput : null);
                names.add(m.toString());
            }
            engine = new FastSequential(twins, checks, names);
            engine.inputGradientNotNeeded();
            for (int i = 0; i < observers.size(); i++) {
                Consumer<INDArray> o = observers.get(i);
                engine.observe(i, o == null ? null : t -> o.accept(t.toINDArray()));
            }
        }
        return engine;
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>();
        for (Layer m : layers) {
            all.addAll(m.parameters());
        }
        return all;
    }

    @Override
    public void setTraining(boolean training) {
        this.training = training;
        layers.forEach(m -> m.setTraining(training));
    }

    /** Whether the last train()/eval() (or setTraining) put the network in training mode; true when new. */
    public boolean isTraining() {
        return training;
    }

    /** The i-th layer, like {@code net[i]} in PyTorch. */
    public Layer get(int i) {
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
