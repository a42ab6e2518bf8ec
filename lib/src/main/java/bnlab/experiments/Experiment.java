package bnlab.experiments;

import bnlab.data.FashionMnist;
import bnlab.nn.DivergenceException;
import bnlab.nn.Init;
import bnlab.nn.LeNet;
import bnlab.nn.kernel.Parallel;
import bnlab.train.Classifier;
import bnlab.train.History;
import bnlab.train.ScratchClassifier;
import bnlab.train.Trainer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.function.ToDoubleFunction;

/**
 * Trains every arm from every seed with d2l's loop ({@link Trainer}, batch 256 unless set):
 * seed s fixes the initial weights (the arm's builder receives it) and the data order (epoch e
 * is shuffled with seed s + e − 1), so the arms of one seed see exactly the same batches, and a
 * run repeats exactly whichever runs share the machine with it. A run
 * that diverges — the loss becomes NaN or infinite, or a batch norm meets non-finite statistics
 * — is stopped and recorded as diverged, not dropped.
 * <pre>{@code
 * Results r = Experiment.on(data).epochs(2).seeds(1, 2, 3)
 *         .arm("with BN", s -> scratch(LeNet.withBatchNorm(Init.seeded(s)), 1.0))
 *         .arm("without BN", s -> scratch(LeNet.builder().noBatchNorm().build(Init.seeded(s)), 1.0))
 *         .run();
 * }</pre>
 */
public final class Experiment {

    private final FashionMnist data;
    private final List<Arm> arms = new ArrayList<>();
    private final Map<String, ToDoubleFunction<Classifier>> measurements = new LinkedHashMap<>();
    private int epochs = 1;
    private int batchSize = Trainer.BATCH_SIZE;
    private long[] seeds = {1, 2, 3};
    private boolean xavier;
    private int watchedUnit = -1;
    private boolean keepNetworks;

    private Experiment(FashionMnist data) {
        this.data = data;
    }

    /** An experiment on this training and test data. */
    public static Experiment on(FashionMnist data) {
        return new Experiment(data);
    }

    public Experiment epochs(int epochs) {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        this.epochs = epochs;
        return this;
    }

    public Experiment batchSize(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        this.batchSize = batchSize;
        return this;
    }

    /**
     * LeNet arms draw their weights Xavier-uniform, as d2l's {@code train_ch6} does, instead of
     * PyTorch's default U(±1/√fanIn).
     */
    public Experiment xavierInit() {
        this.xavier = true;
        return this;
    }

    /** The seeds every arm is trained from (at least one; three or more to see the spread). */
    public Experiment seeds(long... seeds) {
        if (seeds.length == 0) {
            throw new IllegalArgumentException("give at least one seed, e.g. seeds(1, 2, 3)");
        }
        this.seeds = seeds.clone();
        return this;
    }

    public Experiment arm(String name, LongFunction<Classifier> build) {
        return arm(name, name, Double.NaN, build);
    }

    /** An arm of a sweep: it belongs to {@code series} and sits at {@code x} (e.g. its learning rate). */
    public Experiment arm(String name, String series, double x, LongFunction<Classifier> build) {
        if (arms.stream().anyMatch(a -> a.name().equals(name))) {
            throw new IllegalArgumentException("two arms named '" + name + "': give each arm its own name");
        }
        arms.add(new Arm(name, series, x, build));
        return this;
    }

    /**
     * An arm training a LeNet variant with our engine and plain SGD at {@code lr}: seed s gives
     * it the weights of {@code Init.seeded(s)}.
     */
    public Experiment arm(String name, LeNet.Builder network, double lr) {
        return arm(name, name, Double.NaN, network, lr);
    }

    /** As {@link #arm(String, LeNet.Builder, double)}, in a sweep. */
    public Experiment arm(String name, String series, double x, LeNet.Builder network, double lr) {
        return arm(name, series, x, seed -> new ScratchClassifier(name,
                network.build(xavier ? Init.seeded(seed).xavier() : Init.seeded(seed)), lr));
    }

    /** An extra measurement after every epoch of every run (see {@link Trainer#measureEachEpoch}). */
    public Experiment measure(String name, ToDoubleFunction<Classifier> measurement) {
        measurements.put(name, measurement);
        return this;
    }

    /**
     * Keeps every run's trained network ({@link Run#network()}), to measure more after training
     * (its engine's working arrays are released in between). Off by default: dozens of networks
     * are not worth their memory.
     */
    public Experiment keepNetworks() {
        this.keepNetworks = true;
        return this;
    }

    /**
     * Records the inputs of every sigmoid at every training step of every run
     * ({@link ActivationWatch}, keeping the percentiles of unit {@code unit}); {@link Run#watch()}
     * returns them.
     */
    public Experiment watchSigmoids(int unit) {
        this.watchedUnit = unit;
        return this;
    }

    /**
     * Several per-epoch measurements computed together (e.g. the three numbers of one
     * {@link LossLandscape} probe): {@code measurement} returns one value per name.
     */
    public Experiment measureAll(String[] names, java.util.function.Function<Classifier, double[]> measurement) {
        Map<Classifier, double[]> latest = java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());
        for (int i = 0; i < names.length; i++) {
            final int k = i;
            // The trainer calls the measurements in order: the first computes, the others read.
            measure(names[i], c -> {
                double[] v = k == 0 ? measurement.apply(c) : latest.get(c);
                if (k == 0) {
                    latest.put(c, v);
                }
                return v[k];
            });
        }
        return this;
    }

    /**
     * Trains everything and returns the runs in order: arms in the order given, seeds in order
     * within each arm. With several cores, several runs train at once, one per core, each on a
     * single thread: independent runs use the cores better than one run split across them.
     */
    public Results run() {
        if (arms.isEmpty()) {
            throw new IllegalStateException("the experiment has no arm: add one with arm(name, seed -> network)");
        }
        long start = System.nanoTime();
        List<java.util.concurrent.Callable<Run>> jobs = new ArrayList<>();
        for (Arm arm : arms) {
            for (long seed : seeds) {
                jobs.add(() -> {
                    Run[] run = new Run[1];
                    Parallel.alone(() -> run[0] = train(arm, seed));
                    return run[0];
                });
            }
        }
        List<Run> runs = new ArrayList<>();
        int workers = Math.min(Parallel.THREADS, jobs.size());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "bnlab-experiment");
            t.setDaemon(true);
            return t;
        });
        try {
            for (var f : pool.invokeAll(jobs)) {
                runs.add(f.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the experiment was interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return new Results(runs, epochs, data.train().size(), data.test().size(), batchSize,
                (System.nanoTime() - start) / 1e9);
    }

    private Run train(Arm arm, long seed) {
        Trainer trainer = new Trainer(batchSize, seed);
        Classifier net = arm.build().apply(seed);
        ActivationWatch watch = watchedUnit >= 0 && net instanceof ScratchClassifier m && m.net() instanceof bnlab.nn.Sequential s
                ? ActivationWatch.sigmoidInputs(s, watchedUnit) : null;
        // A measurement's forward passes (a landscape probe, Precise BN) are not training steps.
        measurements.forEach((name, m) -> trainer.measureEachEpoch(name,
                watch == null ? m : c -> watch.notRecording(() -> m.applyAsDouble(c))));
        History[] last = new History[1];
        try {
            History h = trainer.fit(net, data.train(), data.test(), epochs, p -> last[0] = p.history());
            return new Run(arm, seed, h, divergence(h), kept(net), watch);
        } catch (DivergenceException e) {
            return new Run(arm, seed, last[0], "diverged: " + e.getMessage(), kept(net), watch);
        } finally {
            if (watch != null) {
                watch.stop();
            }
        }
    }

    /** The network if the experiment keeps networks (with its engine's arrays released), else null. */
    private Classifier kept(Classifier net) {
        if (!keepNetworks) {
            return null;
        }
        if (net instanceof ScratchClassifier m && m.net() instanceof bnlab.nn.Sequential s) {
            s.releaseEngine();
        }
        return net;
    }

    private static String divergence(History h) {
        for (var e : h.epochs()) {
            if (!Double.isFinite(e.loss())) {
                return "diverged: the training loss of epoch " + e.epoch() + " is " + e.loss();
            }
        }
        return null;
    }
}
