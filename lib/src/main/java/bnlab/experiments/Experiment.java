package bnlab.experiments;

import bnlab.data.FashionMnist;
import bnlab.nn.DivergenceException;
import bnlab.nn.Init;
import bnlab.nn.Layer;
import bnlab.nn.LeNet;
import bnlab.nn.Parameter;
import bnlab.nn.Sequential;
import bnlab.nn.kernel.Parallel;
import bnlab.train.Classifier;
import bnlab.train.History;
import bnlab.train.NetworkState;
import bnlab.train.RunCache;
import bnlab.train.RunKey;
import bnlab.train.RunRecord;
import bnlab.train.ScratchClassifier;
import bnlab.train.Trainer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.ToDoubleFunction;
import java.util.regex.Pattern;

/**
 * Trains every arm from every seed with d2l's loop ({@link Trainer}, batch 256 unless set):
 * seed s fixes the initial weights (the arm's builder receives it) and the data order (epoch e
 * is shuffled with seed s + e − 1), so the arms of one seed see exactly the same batches, and a
 * run repeats exactly whichever runs share the machine with it. A run
 * that diverges — the loss becomes NaN or infinite, or a batch norm meets non-finite statistics
 * — is stopped and recorded as diverged, not dropped.
 * <pre>{@code
 * Results r = Experiment.on(data).named("batch-norm-or-not").epochs(2).seeds(1, 2, 3)
 *         .arm("with BN", LeNet.builder(), 1.0)
 *         .arm("without BN", LeNet.builder().noBatchNorm(), 1.0)
 *         .run();
 * }</pre>
 *
 * <p><b>What {@link #run()} prints and saves.</b> One line: how many runs it trained and how
 * many it loaded from the {@link RunCache}, and the budget of each run (epochs × steps of a batch
 * size on so many training images). Every run, trained or loaded, goes into a tidy CSV file,
 * {@code build/results/NOTEBOOK/NAME.csv}: one row per arm, seed and epoch (see
 * {@link Results#save}).
 *
 * <p><b>Loaded instead of trained.</b> A run whose definition the cache holds (the network as
 * built for the seed, the data, epochs, batch size, measurements, the library's build) is loaded:
 * same numbers, no training. That needs every part to be the library's own: an arm built from
 * {@link LeNet.Builder} or the library's modules, measurements from {@link Evaluations} or
 * {@link LossLandscape}. A module, a classifier or a measurement written in a notebook (a lambda
 * too) cannot be fingerprinted, so its runs always train.
 */
public final class Experiment {

    /** A file name: letters, digits, '-', '_', '.'. */
    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N}._-]*");

    private static final AtomicInteger UNNAMED = new AtomicInteger();

    /** Per-epoch measurements: one function giving one value, or one giving a value per name. */
    private record Measurement(String[] names, Object function) {}

    private final FashionMnist data;
    private final List<Arm> arms = new ArrayList<>();
    private final List<Measurement> measurements = new ArrayList<>();
    /** Per arm, why its runs could not be kept in the run cache (filled while they train). */
    private final Map<String, String> uncached = new java.util.concurrent.ConcurrentHashMap<>();

    private String name;
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

    /**
     * The experiment's name, e.g. "learning-rates": its runs are saved as
     * {@code build/results/NOTEBOOK/learning-rates.csv}. Letters, digits, '-', '_' and '.'.
     * Unnamed experiments are called experiment-1, experiment-2, ... in the order they run.
     */
    public Experiment named(String name) {
        this.name = checkName(name);
        return this;
    }

    static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' cannot name an experiment's file: use letters, digits "
                    + "and '-', e.g. named(\"learning-rates\")");
        }
        return name;
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

    /**
     * An arm that builds its network for a seed: {@code build} must return a new network for
     * every seed (the runs train side by side, so one network shared by two runs is refused).
     */
    public Experiment arm(String name, LongFunction<Classifier> build) {
        return arm(name, name, Double.NaN, build);
    }

    /** An arm of a sweep: it belongs to {@code series} and sits at {@code x} (e.g. its learning rate). */
    public Experiment arm(String name, String series, double x, LongFunction<Classifier> build) {
        return add(new Arm(name, series, x, build));
    }

    private Experiment add(Arm arm) {
        if (arms.stream().anyMatch(a -> a.name().equals(arm.name()))) {
            throw new IllegalArgumentException("two arms named '" + arm.name() + "': give each arm its own name");
        }
        arms.add(arm);
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
        return add(new Arm(
                name,
                series,
                x,
                seed -> new ScratchClassifier(
                        name, network.build(xavier ? Init.seeded(seed).xavier() : Init.seeded(seed)), lr),
                "LeNet, " + network.describe()));
    }

    /**
     * An extra measurement after every epoch of every run (see {@link Trainer#measureEachEpoch}).
     * Runs with a measurement written in the notebook (a lambda) always train: the run cache
     * cannot tell whether its code changed. A measurement leaves the network as it found it
     * (weights, moving statistics), as the library's do: a measured run of a network that draws
     * no random numbers is then also kept as unmeasured, for an experiment that trains the same
     * run without measuring. (With dropout or noise it is not: a measurement's passes in training
     * mode draw masks, so the measured run is not the unmeasured one.)
     */
    public Experiment measure(String name, ToDoubleFunction<Classifier> measurement) {
        measurements.add(new Measurement(new String[] {name}, measurement));
        return this;
    }

    /**
     * Several per-epoch measurements computed together (e.g. the three numbers of one
     * {@link LossLandscape} probe): {@code measurement} returns one value per name.
     */
    public Experiment measureAll(String[] names, Function<Classifier, double[]> measurement) {
        measurements.add(new Measurement(names.clone(), measurement));
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
     * Trains (or loads) everything, saves every run to the experiment's CSV file, prints one line
     * with what was trained and loaded and each run's budget, and returns the runs in order: arms
     * in the order given, seeds in order within each arm. With several cores, several runs train
     * at once, one per core, each on a single thread: independent runs use the cores better than
     * one run split across them.
     */
    public Results run() {
        Results r = runQuietly();
        r.save();
        System.out.println(r.budgetLine());
        return r;
    }

    /** {@link #run()} without saving or printing (a batch-size sweep saves all its sizes in one file). */
    Results runQuietly() {
        if (arms.isEmpty()) {
            throw new IllegalStateException("the experiment has no arm: add one with arm(name, seed -> network)");
        }
        String experiment = name != null ? name : "experiment-" + UNNAMED.incrementAndGet();
        long start = System.nanoTime();
        List<Callable<Run>> jobs = new ArrayList<>();
        Map<Object, String> owners = new IdentityHashMap<>(); // what each network is made of, to refuse sharing
        RunCache cache = RunCache.current();
        for (Arm defined : arms) {
            // a LeNet arm's description says how its weights were drawn, now that it is known
            Arm arm = xavier && defined.network().startsWith("LeNet, ")
                    ? new Arm(
                            defined.name(),
                            defined.series(),
                            defined.x(),
                            defined.build(),
                            defined.network() + ", Xavier-uniform weights")
                    : defined;
            for (long seed : seeds) {
                // built here, in order, so a builder that shares a network between runs is caught
                Classifier net = arm.build().apply(seed);
                if (net == null) {
                    throw new IllegalArgumentException("arm '" + arm.name() + "' built no network for seed " + seed);
                }
                refuseShared(net, arm.name() + ", seed " + seed, owners);
                // the job lets go of its network when done: thirty trained networks with their
                // engines' working arrays would fill the heap
                AtomicReference<Classifier> slot = new AtomicReference<>(net);
                jobs.add(() -> {
                    Run[] run = new Run[1];
                    Parallel.alone(() -> run[0] = loadOrTrain(arm, seed, slot.getAndSet(null), cache));
                    return run[0];
                });
            }
        }
        owners.clear();
        uncached.clear();
        List<Run> runs = new ArrayList<>();
        int workers = Math.min(Parallel.THREADS, jobs.size());
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
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
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        // a run that always trains says why, once per arm: else a reopened notebook is slow for no visible reason
        for (Arm a : arms) {
            String why = uncached.get(a.name());
            if (why != null) {
                System.out.println(Budget.notCached(a.name(), why));
            }
        }
        Budget budget = new Budget(
                epochs,
                data.train().size(),
                data.test().size(),
                batchSize,
                data.train().batchCount(batchSize),
                (System.nanoTime() - start) / 1e9);
        return new Results(experiment, runs, budget);
    }

    /**
     * Refuses a network that shares a part (the classifier, a layer, a parameter array) with a
     * network built for another run: both runs would train it at once, from two threads.
     */
    private static void refuseShared(Classifier net, String run, Map<Object, String> owners) {
        List<Object> parts = new ArrayList<>();
        parts.add(net);
        if (net instanceof ScratchClassifier m) {
            modules(m.net(), parts);
        }
        for (Object part : parts) {
            String other = owners.putIfAbsent(part, run);
            if (other != null && !other.equals(run)) {
                throw new IllegalArgumentException("the networks of " + other + " and of " + run + " share "
                        + (part == net
                                ? "the same classifier"
                                : part instanceof Layer ? "a layer, " + part : "a parameter array")
                        + ": the runs train side by side, so one network would be trained by "
                        + "two runs at once and their numbers would mean nothing. Build a new network for every seed "
                        + "inside the arm, e.g. arm(\"BN\", seed -> new ScratchClassifier(\"BN\", "
                        + "LeNet.builder().build(Init.seeded(seed)), 1.0)).");
            }
        }
    }

    private static void modules(Layer m, List<Object> parts) {
        parts.add(m);
        if (m instanceof Sequential s) {
            for (int i = 0; i < s.size(); i++) {
                modules(s.get(i), parts);
            }
        } else {
            for (Parameter p : m.parameters()) {
                parts.add(p.value());
            }
        }
    }

    private Run loadOrTrain(Arm arm, long seed, Classifier net, RunCache cache) {
        double lr = net instanceof ScratchClassifier m ? m.learningRate() : Double.NaN;
        RunKey key = cache.enabled() ? key(net, seed, measurements, watchedUnit) : null;
        if (key != null && !key.cacheable()) {
            uncached.putIfAbsent(arm.name(), key.reason());
        }
        // The same run unobserved: the library's measurements and the watch put back what they
        // touch, so an experiment without them may load this run instead of training it again.
        // Not a network that draws random numbers: a measurement's training-mode passes draw too.
        RunKey unobserved = key != null
                        && key.cacheable()
                        && (!measurements.isEmpty() || watchedUnit >= 0)
                        && !RunKey.holdsRandomGenerator(net)
                ? key(net, seed, new ArrayList<>(), -1)
                : null;
        NetworkState.Layout layout = null;
        if (key != null && key.cacheable()) {
            Optional<Run> loaded = cache.load(key).flatMap(r -> loaded(r, arm, seed, net, lr));
            if (loaded.isPresent()) {
                return loaded.get();
            }
            try {
                layout = keepNetworks ? NetworkState.layout(net) : null;
            } catch (RuntimeException e) {
                key = null; // trained, not kept
            }
        }
        ActivationWatch watch =
                watchedUnit >= 0 && net instanceof ScratchClassifier m && m.net() instanceof Sequential s
                        ? ActivationWatch.sigmoidInputs(s, watchedUnit)
                        : null;
        Trainer trainer = new Trainer(batchSize, seed).cache(RunCache.off());
        addMeasurements(trainer, watch);
        History[] last = new History[1];
        History history;
        String failure;
        try {
            history = trainer.fit(net, data.train(), data.test(), epochs, p -> last[0] = p.history());
            failure = divergence(history);
        } catch (DivergenceException e) {
            history = last[0];
            failure = "diverged: " + e.getMessage();
        } finally {
            if (watch != null) {
                watch.stop();
            }
        }
        if (key != null && key.cacheable()) {
            RunRecord record = new RunRecord(history, failure);
            if (watch != null) {
                watch.keepIn(record);
            }
            if (layout == null || failure != null || record.keepNetwork(layout, net, data.test())) {
                cache.save(key, record);
            }
            // never over an entry already there: it may keep the trained network, which this one does not
            if (unobserved != null
                    && unobserved.cacheable()
                    && cache.load(unobserved).isEmpty()) {
                cache.save(unobserved, new RunRecord(history == null ? null : history.withoutMetrics(), failure));
            }
        }
        return new Run(arm, seed, history, failure, kept(net), watch, lr, false);
    }

    /** The stored run as this experiment needs it (its watch, its trained network), if the record has all of it. */
    private Optional<Run> loaded(RunRecord r, Arm arm, long seed, Classifier net, double lr) {
        ActivationWatch watch = null;
        if (watchedUnit >= 0) {
            watch = ActivationWatch.from(r);
            if (watch == null) {
                return Optional.empty();
            }
        }
        Classifier network = null;
        if (keepNetworks && r.failure() == null) {
            if (!r.restoreNetwork(net, data.test())) {
                return Optional.empty();
            }
            network = kept(net);
        }
        History h = r.history() == null ? null : r.history().named(net.name());
        return Optional.of(new Run(arm, seed, h, r.failure(), network, watch, lr, true));
    }

    /** What defines one run: the key it is cached under. */
    private RunKey key(Classifier net, long seed, List<Measurement> measurements, int watchedUnit) {
        RunKey.Builder key = RunKey.builder();
        if (net instanceof ScratchClassifier m) {
            // what trains, without the classifier's name: two arms of one definition are one run
            // (ExperimentCacheTest checks that these are all the classifier holds)
            key.add("network", m.net()).add("loss", "softmax cross-entropy").add("sgd", m.learningRate());
        } else {
            key.add("network", net);
        }
        return key.add("training data", data.train())
                .add("training data", data.train())
                .add("test data", data.test())
                .add("epochs", epochs)
                .add("batch size", batchSize)
                .add("seed", seed)
                .add("measurements", measurements)
                .add("watched sigmoid unit", watchedUnit)
                .add("curve points per epoch", 5)
                .threads(1)
                .build();
    }

    @SuppressWarnings("unchecked")
    private void addMeasurements(Trainer trainer, ActivationWatch watch) {
        for (Measurement m : measurements) {
            if (m.names().length == 1 && m.function() instanceof ToDoubleFunction<?> f) {
                ToDoubleFunction<Classifier> one = (ToDoubleFunction<Classifier>) f;
                // A measurement's forward passes (a landscape probe, Precise BN) are not training steps.
                trainer.measureEachEpoch(
                        m.names()[0], watch == null ? one : c -> watch.notRecording(() -> one.applyAsDouble(c)));
                continue;
            }
            Function<Classifier, double[]> probe = (Function<Classifier, double[]>) m.function();
            Function<Classifier, double[]> all = watch == null ? probe : c -> watch.notRecording(() -> probe.apply(c));
            double[][] latest = new double[1][];
            for (int i = 0; i < m.names().length; i++) {
                final int k = i;
                // the trainer takes the measurements in order: the first computes, the others read
                trainer.measureEachEpoch(m.names()[i], c -> {
                    if (k == 0) {
                        latest[0] = all.apply(c);
                    }
                    return latest[0][k];
                });
            }
        }
    }

    /** The network if the experiment keeps networks, else null; either way its engine's working arrays are released. */
    private Classifier kept(Classifier net) {
        if (net instanceof ScratchClassifier m && m.net() instanceof Sequential s) {
            s.releaseEngine();
        }
        return keepNetworks ? net : null;
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
