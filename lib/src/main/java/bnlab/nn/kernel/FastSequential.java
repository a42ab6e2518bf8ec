package bnlab.nn.kernel;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A chain of {@link FastLayer}s: what {@code bnlab.nn.Sequential} runs when the fast engine is
 * on. The input is copied onto the heap once, every layer works on heap tensors, and the result
 * comes back as a new ND4J array, so what the caller holds is never overwritten. Each layer's
 * input shape is checked by its layer's own checks whenever it changes.
 */
public final class FastSequential implements FastLayer {

    private final FastLayer[] layers;
    private final List<Consumer<long[]>> checks;
    private final BiFunction<Integer, RuntimeException, RuntimeException> named;
    private final long[][] checkedShapes;
    private final java.util.function.Consumer<Tensor>[] observers;
    private final long[] forwardNanos;
    private final long[] backwardNanos;
    private java.util.function.LongSupplier clock = System::nanoTime;
    private Tensor input;
    private Tensor gradient;
    private boolean forwardDone;

    /**
     * {@code checks.get(i)} throws the error layer i's {@code bnlab.nn} layer throws for an input
     * shape (null: no check); {@code named} turns an error of layer i into the one the network
     * reports (with the layer's place and name), as {@code bnlab.nn.Sequential} does.
     */
    public FastSequential(
            List<FastLayer> layers,
            List<Consumer<long[]>> checks,
            BiFunction<Integer, RuntimeException, RuntimeException> named) {
        this.layers = layers.toArray(new FastLayer[0]);
        this.checks = new java.util.ArrayList<>(checks);
        this.named = named;
        this.checkedShapes = new long[this.layers.length][];
        @SuppressWarnings("unchecked")
        java.util.function.Consumer<Tensor>[] none = new java.util.function.Consumer[this.layers.length];
        this.observers = none;
        this.forwardNanos = new long[this.layers.length];
        this.backwardNanos = new long[this.layers.length];
    }

    /** True: every JVM runs the fast engine, with the Vector API or with plain loops ({@link Simd}). */
    public static boolean available() {
        return true;
    }

    /**
     * One line for the notebooks' setup cell: which arithmetic the engine runs and, on the plain
     * loops, how to get the faster one.
     */
    public static String describe() {
        Simd simd = Simd.get();
        String why = Simd.Choice.WHY_PLAIN;
        String line = "fast engine on (" + simd.describe() + ", " + Parallel.threads() + " threads"
                + (why == null ? "" : "; " + why) + ")";
        if (why == null) {
            return line;
        }
        String how = why.startsWith("-D")
                ? "leave out -Dbnlab.simd=plain"
                : "start Java with --add-modules jdk.incubator.vector (the project's kernels do)";
        return line + ": " + how + " for the Vector API, about " + PLAIN_SLOWDOWN + " times faster";
    }

    /**
     * Training steps on plain loops take this many times as long as with the Vector API
     * ({@code scripts/bench.sh plain} on a quiet 2-core AVX-512 machine, 2026-12-07, after the
     * convolutions stopped using im2col on the Vector API: 1.89 per wall-second, rounds 2.23, 2.08
     * per CPU-second).
     */
    static final String PLAIN_SLOWDOWN = "2";

    /** The network's output for {@code x}, as a new array. */
    public INDArray forward(INDArray x) {
        Objects.requireNonNull(x, "input");
        Parallel.threads(); // a bad -Dbnlab.threads is the network's problem, not its first layer's
        check(0, x.shape());
        input = Tensor.copyOf(x, input);
        return forward(input).toINDArray();
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor t = x;
        for (int i = 0; i < layers.length; i++) {
            check(i, t.shape());
            long t0 = clock.getAsLong();
            try {
                t = layers[i].forward(t);
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw named.apply(i, e);
            }
            forwardNanos[i] += clock.getAsLong() - t0;
            if (observers[i] != null) {
                observers[i].accept(t);
            }
        }
        forwardDone = true;
        return t;
    }

    /** Back-propagates ∂loss/∂output; returns ∂loss/∂input, or null when the first layer skips it. */
    public INDArray backward(INDArray gradOutput) {
        gradient = Tensor.copyOf(Objects.requireNonNull(gradOutput, "gradOutput"), gradient);
        Tensor g = backward(gradient);
        return g == null ? null : g.toINDArray();
    }

    @Override
    public Tensor backward(Tensor dY) {
        if (!forwardDone) {
            throw new IllegalStateException("backward called before forward");
        }
        Tensor g = dY;
        for (int i = layers.length - 1; i >= 0 && g != null; i--) {
            long t0 = clock.getAsLong();
            try {
                g = layers[i].backward(g);
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw named.apply(i, e);
            }
            backwardNanos[i] += clock.getAsLong() - t0;
        }
        return g;
    }

    @Override
    public void inputGradientNotNeeded() {
        if (layers.length > 0) {
            layers[0].inputGradientNotNeeded();
        }
    }

    private void check(int i, long[] shape) {
        if (checks.get(i) == null || Arrays.equals(shape, checkedShapes[i])) {
            return;
        }
        try {
            checks.get(i).accept(shape);
        } catch (IllegalArgumentException e) {
            throw named.apply(i, e);
        }
        checkedShapes[i] = shape;
    }

    /** Calls {@code observer} with layer i's output after each forward pass (null: stop). */
    public void observe(int i, java.util.function.Consumer<Tensor> observer) {
        observers[i] = observer;
    }

    /** Nanoseconds spent in layer i's forward (backward) since the last {@link #resetTimes()}. */
    public long forwardNanos(int i) {
        return forwardNanos[i];
    }

    public long backwardNanos(int i) {
        return backwardNanos[i];
    }

    /**
     * The clock the per-layer times are read from, in nanoseconds: wall time by default; a
     * benchmark on a busy machine may pass the calling thread's CPU time (with one thread).
     */
    public void timeWith(java.util.function.LongSupplier clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public void resetTimes() {
        Arrays.fill(forwardNanos, 0);
        Arrays.fill(backwardNanos, 0);
    }

    public int size() {
        return layers.length;
    }

    public FastLayer get(int i) {
        return layers[i];
    }
}
