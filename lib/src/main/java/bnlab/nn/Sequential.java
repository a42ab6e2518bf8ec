package bnlab.nn;

import bnlab.nn.kernel.FastLayer;
import bnlab.nn.kernel.FastSequential;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Layers applied in order, {@code nn.Sequential(...)}: forward runs them first to last, backward
 * last to first, {@link #parameters()} collects theirs, train()/eval() reaches every layer.
 * Any {@link Layer} fits, including one written in a notebook cell, and a Sequential itself.
 *
 * <p><b>Two engines, one result.</b> On float inputs a Sequential runs its layers' twins in the
 * fast engine ({@link bnlab.nn.kernel}: the same mathematics on heap arrays, with the Vector
 * API's SIMD vectors where the JVM has them and plain loops elsewhere, many times faster); a
 * layer without a twin (yours, say) runs as written inside it.
 * {@code useFastEngine(false)} runs every layer's own {@code forward} and {@code backward}
 * instead; the tests check the two agree. So that they agree whatever a layer does, both engines
 * <ul>
 *   <li>give a layer without a twin its own copies of its input and of dY, and keep a copy of
 *       what it returns: a layer of yours that edits its input in place changes nothing outside
 *       it (PyTorch raises an error instead);</li>
 *   <li>copy the input of {@link #forward} and return a new array: editing either afterwards
 *       changes nothing inside the network;</li>
 *   <li>refuse a dY whose shape is not that of the output, a backward that returns null (except
 *       the first layer's, see {@link #inputGradientNotNeeded()}) or a gradient shaped unlike its
 *       layer's input, naming the layer.</li>
 * </ul>
 * One layer object may stand at one place only (it keeps what its forward pass saw for its
 * backward pass): the constructor refuses a layer given twice.
 */
public class Sequential implements Layer {

    private final List<Layer> layers;
    private boolean fastEngine = FastSequential.available();
    private FastSequential engine;
    private boolean lastForwardFast;
    private boolean training = true;
    private boolean inputGradient = true;
    private final long[][] inputShapes;
    private long[] outputShape;
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
        requireDistinct(this.layers, "", new IdentityHashMap<>());
        this.inputShapes = new long[layers.length][];
        observers.addAll(java.util.Collections.nCopies(layers.length, null));
    }

    /** Each layer object at one place only, nested Sequentials included. */
    private static void requireDistinct(List<Layer> layers, String prefix, Map<Layer, String> seen) {
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            String place = prefix + "layer " + i;
            String first = seen.put(layer, place);
            if (first != null) {
                String name = layer.getClass().getSimpleName();
                throw new IllegalArgumentException("Sequential: " + place + " (" + layer + ") is the same object as "
                        + first + ". A layer keeps what its last forward pass saw for its backward pass, so one "
                        + "object cannot stand at two places of a network: its gradients would be wrong. Make one "
                        + "for each place, e.g. "
                        + (name.isEmpty() ? "a second instance of that class" : "new " + name + "(...)")
                        + " (to share weights between places, write one layer that uses them twice).");
            }
            if (layer instanceof Sequential inner) {
                requireDistinct(inner.layers, place + " of the Sequential at " + place + ", ", seen);
            }
        }
    }

    /** A layer of ours (not yours): it never edits its input or dY and returns new arrays. */
    private static boolean trusted(Layer layer) {
        return layer instanceof TwinnedLayer || layer instanceof Sequential;
    }

    @Override
    public INDArray forward(INDArray x) {
        LayerChecks.shape("Sequential", x);
        try {
            return run(x);
        } catch (OutOfMemoryError e) {
            throw outOfMemory("forward", x.shape(), e);
        }
    }

    private INDArray run(INDArray x) {
        lastForwardFast = usesFastEngine(x);
        if (lastForwardFast) {
            INDArray y = engine().forward(x);
            outputShape = y.shape();
            return y;
        }
        x = x.dup(); // the fast engine copies the input too: the caller may edit theirs before backward
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            boolean trusted = trusted(layer);
            inputShapes[i] = x.shape();
            INDArray y;
            try {
                y = layer.forward(trusted ? x : x.dup());
                LayerChecks.output(layer, y);
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw named(i, layer.toString(), e);
            }
            x = trusted ? y : y.dup();
            if (observers.get(i) != null) {
                observers.get(i).accept(x.dup());
            }
        }
        outputShape = x.shape();
        return x.dup(); // the last layer may keep its output for backward (a sigmoid does)
    }

    /**
     * Layer i's error with its place in the network in front ("layer 3 (BatchNorm(...)): ..."),
     * of the same kind: a {@link DivergenceException} stays one.
     */
    public static IllegalArgumentException named(int i, String layer, IllegalArgumentException e) {
        String message = "layer " + i + " (" + layer + "): " + e.getMessage();
        return e instanceof DivergenceException
                ? new DivergenceException(message, e)
                : new IllegalArgumentException(message, e);
    }

    /** As above for an {@link IllegalArgumentException} or an {@link IllegalStateException}. */
    public static RuntimeException named(int i, String layer, RuntimeException e) {
        if (e instanceof IllegalArgumentException a) {
            return named(i, layer, a);
        }
        return new IllegalStateException("layer " + i + " (" + layer + "): " + e.getMessage(), e);
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

    /**
     * Back-propagates dY = ∂loss/∂output of the latest {@link #forward} (same shape as that output)
     * through every layer, last to first; returns ∂loss/∂input, or null after
     * {@link #inputGradientNotNeeded()}.
     */
    @Override
    public INDArray backward(INDArray gradOutput) {
        if (outputShape == null) {
            throw new IllegalStateException("Sequential.backward called before forward");
        }
        LayerChecks.gradient("Sequential", gradOutput, outputShape);
        try {
            return backPropagate(gradOutput);
        } catch (OutOfMemoryError e) {
            throw outOfMemory("backward", gradOutput.shape(), e);
        }
    }

    private INDArray backPropagate(INDArray gradOutput) {
        if (lastForwardFast) {
            return engine().backward(gradOutput);
        }
        INDArray g = gradOutput;
        for (int i = layers.size() - 1; i >= 0; i--) {
            Layer layer = layers.get(i);
            INDArray dX;
            try {
                dX = layer.backward(trusted(layer) ? g : g.dup());
                LayerChecks.inputGradient(layer, dX, inputShapes[i], i > 0 || inputGradient);
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw named(i, layer.toString(), e);
            }
            if (dX == null) {
                return null;
            }
            g = dX;
        }
        return g;
    }

    /** Running out of heap, said with the batch size and the two ways out; the network keeps its weights. */
    private static final class NetworkOutOfMemoryError extends OutOfMemoryError {
        private static final long serialVersionUID = 1L;

        NetworkOutOfMemoryError(String message, OutOfMemoryError cause) {
            super(message);
            initCause(cause);
        }
    }

    private OutOfMemoryError outOfMemory(String pass, long[] shape, OutOfMemoryError e) {
        if (e instanceof NetworkOutOfMemoryError) {
            return e; // a nested network said it already
        }
        releaseEngine(); // its buffers are what filled the heap; the next forward rebuilds them
        return new NetworkOutOfMemoryError(
                "Out of memory in the " + pass + " pass of a batch of " + shape[0]
                        + " examples (" + (pass.equals("forward") ? "input" : "dY") + " of shape "
                        + Arrays.toString(shape)
                        + "; the Java heap may grow to "
                        + Runtime.getRuntime().maxMemory() / (1 << 20)
                        + " MiB). The weights are unchanged. Use a smaller "
                        + "batch (e.g. " + Math.max(1, shape[0] / 2) + "); to evaluate many images, go through them in "
                        + "batches (ScratchClassifier.countCorrect and Trainer.accuracy do). Or give Java a larger heap: "
                        + "-Xmx4g on the java command line; for the notebook kernels, raise -Xmx in <bnlab.jvm.options> "
                        + "of pom.xml, run scripts/setup.sh and restart the kernel.",
                e);
    }

    /**
     * Tells the first layer that nobody needs the gradient with respect to the network's input
     * (the images), so it may skip computing it; {@link #backward} then returns null. A trainer
     * calls this; a Sequential nested in another is not told, since the layers before it need it.
     */
    @Override
    public void inputGradientNotNeeded() {
        inputGradient = false;
        layers.get(0).inputGradientNotNeeded();
        if (engine != null) {
            engine.inputGradientNotNeeded();
        }
    }

    /**
     * Lets go of the fast engine's working arrays (tens of megabytes at batch 256); the next
     * forward pass builds them again. For networks kept around after training.
     */
    public void releaseEngine() {
        engine = null;
        lastForwardFast = false;
        outputShape = null;
    }

    /** Turns the fast engine on (the default) or off. */
    public Sequential useFastEngine(boolean on) {
        if (on && !FastSequential.available()) {
            throw new IllegalStateException(FastSequential.describe());
        }
        fastEngine = on;
        return this;
    }

    /**
     * Whether {@link #forward} runs this input in the fast engine: float (N, F) or (N, C, H, W)
     * input, float parameters, engine on.
     */
    public boolean usesFastEngine(INDArray x) {
        return fastEngine
                && x != null
                && x.dataType() == DataType.FLOAT
                && (x.rank() == 2 || x.rank() == 4)
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
            for (Layer m : layers) {
                twins.add(m instanceof TwinnedLayer t ? t.fastLayer() : new LayerAdapter(m));
                checks.add(m instanceof TwinnedLayer t ? t::checkInput : null);
            }
            engine = new FastSequential(
                    twins, checks, (i, e) -> named(i, layers.get(i).toString(), e));
            if (!inputGradient) {
                engine.inputGradientNotNeeded();
            }
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
