package bnlab.experiments;

import bnlab.data.FashionMnist;
import bnlab.nn.LeNet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntPredicate;

/**
 * The same arms trained at several batch sizes (notebook 9): one {@link Experiment} per batch
 * size b, every one on the same training images for the same number of epochs, so every run
 * sees the same number of examples and takes epochs · ⌈N/b⌉ steps, with the learning rate a
 * rule of b ({@link ScaledLearningRate}, e.g. linear: lr = 1.0 · b/256). Seeds as in
 * {@link Experiment}: at every batch size, seed s starts all arms from the same weights.
 *
 * <p>One pass leaves large batches few steps (12 288 images are 48 steps of 256): with
 * {@link #minimumSteps} every run takes at least that many steps, the large batch sizes making
 * as many whole passes as it takes. Each arm may follow its own learning-rate rule (methods
 * differ in the rate they train best at): {@link #arm(String, LeNet.Builder, ScaledLearningRate)}.
 * <pre>{@code
 * BatchSizeResults r = BatchSizeSweep.on(data).batchSizes(2, 16, 256).seeds(1, 2, 3)
 *         .learningRate(ScaledLearningRate.linear(1.0, 256))
 *         .arm("BN", LeNet.builder())
 *         .arm("GN", LeNet.builder().norm("GN", (c, d) -> new GroupNorm(2, c)))
 *         .run();
 * }</pre>
 */
public final class BatchSizeSweep {

    /** An arm's network at batch size b, knowing how many steps the run will take (for schedules). */
    public interface Network {
        LeNet.Builder at(int batchSize, long steps);
    }

    /** rate null: the sweep's rule. */
    record SweepArm(String name, IntPredicate sizes, Network network, ScaledLearningRate rate) {}

    private final FashionMnist data;
    private final List<SweepArm> arms = new ArrayList<>();
    private int[] batchSizes = {2, 4, 8, 16, 32, 64, 128, 256};
    private int epochs = 1;
    private int minimumSteps;
    private long[] seeds = {1, 2, 3};
    private ScaledLearningRate learningRate = ScaledLearningRate.linear(1.0, 256);
    private boolean keepNetworks;
    private String name;

    private BatchSizeSweep(FashionMnist data) {
        this.data = Objects.requireNonNull(data, "data");
    }

    /** A sweep on this training and test data. */
    public static BatchSizeSweep on(FashionMnist data) {
        return new BatchSizeSweep(data);
    }

    /**
     * The sweep's name, e.g. "batch-sizes": all its runs, at every batch size, are saved as
     * {@code build/results/NOTEBOOK/batch-sizes.csv} (see {@link Experiment#named}).
     */
    public BatchSizeSweep named(String name) {
        this.name = Experiment.checkName(name);
        return this;
    }

    /** The batch sizes, each at least 2 (a batch norm needs two values per channel). */
    public BatchSizeSweep batchSizes(int... sizes) {
        if (sizes.length == 0 || Arrays.stream(sizes).anyMatch(b -> b < 2)) {
            throw new IllegalArgumentException(
                    "give batch sizes of at least 2 (a batch norm needs two examples), got " + Arrays.toString(sizes));
        }
        this.batchSizes = Arrays.stream(sizes).distinct().sorted().toArray();
        return this;
    }

    /** Passes over the training images (the same at every batch size). */
    public BatchSizeSweep epochs(int epochs) {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        this.epochs = epochs;
        return this;
    }

    /**
     * Every run takes at least {@code steps} steps: at batch size b, max(epochs, ⌈steps / ⌈N/b⌉⌉)
     * passes over the training images. 0 (the default): the same passes at every batch size.
     */
    public BatchSizeSweep minimumSteps(int steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("the minimum number of steps must be >= 0, got " + steps);
        }
        this.minimumSteps = steps;
        return this;
    }

    /** Passes over the training images at batch size b. */
    public int passes(int b) {
        int perPass = data.train().batchCount(b);
        return Math.max(epochs, (minimumSteps + perPass - 1) / perPass);
    }

    public BatchSizeSweep seeds(long... seeds) {
        if (seeds.length == 0) {
            throw new IllegalArgumentException("give at least one seed, e.g. seeds(1, 2, 3)");
        }
        this.seeds = seeds.clone();
        return this;
    }

    /** How the learning rate follows the batch size (default: linear, 1.0 at 256). */
    public BatchSizeSweep learningRate(ScaledLearningRate rule) {
        this.learningRate = Objects.requireNonNull(rule, "rule");
        return this;
    }

    /**
     * Keeps every run's trained network ({@link Experiment#keepNetworks()}), for
     * {@link BatchSizeResults#measureAfterTraining} and measurements on {@link Run#network()}.
     */
    public BatchSizeSweep keepNetworks() {
        this.keepNetworks = true;
        return this;
    }

    /** An arm with the same network at every batch size. */
    public BatchSizeSweep arm(String name, LeNet.Builder network) {
        Objects.requireNonNull(network, "network");
        return arm(name, b -> true, (b, steps) -> network);
    }

    /** An arm whose network depends on the batch size or the run's steps (e.g. a schedule). */
    public BatchSizeSweep arm(String name, Network network) {
        return arm(name, b -> true, network);
    }

    /** An arm trained only at the batch sizes {@code sizes} accepts (e.g. Ghost BN above its virtual batch). */
    public BatchSizeSweep arm(String name, IntPredicate sizes, Network network) {
        return add(new SweepArm(
                name, Objects.requireNonNull(sizes, "sizes"), Objects.requireNonNull(network, "network"), null));
    }

    /** An arm with the same network at every batch size and its own learning-rate rule. */
    public BatchSizeSweep arm(String name, LeNet.Builder network, ScaledLearningRate rate) {
        Objects.requireNonNull(network, "network");
        return add(new SweepArm(name, b -> true, (b, steps) -> network, Objects.requireNonNull(rate, "rate")));
    }

    /** As {@link #arm(String, IntPredicate, Network)}, with its own learning-rate rule. */
    public BatchSizeSweep arm(String name, IntPredicate sizes, ScaledLearningRate rate, Network network) {
        return add(new SweepArm(
                name,
                Objects.requireNonNull(sizes, "sizes"),
                Objects.requireNonNull(network, "network"),
                Objects.requireNonNull(rate, "rate")));
    }

    private BatchSizeSweep add(SweepArm arm) {
        if (arms.stream().anyMatch(a -> a.name().equals(arm.name()))) {
            throw new IllegalArgumentException("two arms named '" + arm.name() + "': give each arm its own name");
        }
        arms.add(arm);
        return this;
    }

    /** Steps one run takes at batch size b. */
    public long steps(int b) {
        return (long) passes(b) * data.train().batchCount(b);
    }

    private ScaledLearningRate rate(SweepArm a) {
        return a.rate() == null ? learningRate : a.rate();
    }

    /**
     * Trains (or loads, see {@link Experiment}) every arm at every batch size it accepts, from every
     * seed; saves every run in one CSV file and prints one line with what was trained and loaded
     * and each run's steps at the smallest and the largest batch size. The batch sizes in
     * increasing order.
     */
    public BatchSizeResults run() {
        if (arms.isEmpty()) {
            throw new IllegalStateException("the sweep has no arm: add one with arm(name, LeNet.builder())");
        }
        String sweep = name != null ? name : "batch-size-sweep";
        Map<Integer, Results> results = new LinkedHashMap<>();
        for (int b : batchSizes) {
            Experiment e = Experiment.on(data)
                    .named(sweep)
                    .epochs(passes(b))
                    .batchSize(b)
                    .seeds(seeds);
            if (keepNetworks) {
                e.keepNetworks();
            }
            boolean any = false;
            for (SweepArm a : arms) {
                if (a.sizes().test(b)) {
                    e.arm(a.name(), a.name(), b, a.network().at(b, steps(b)), rate(a).at(b));
                    any = true;
                }
            }
            if (any) {
                results.put(b, e.runQuietly());
            }
        }
        Map<String, ScaledLearningRate> rates = new java.util.LinkedHashMap<>();
        arms.forEach(a -> rates.put(a.name(), rate(a)));
        BatchSizeResults r = new BatchSizeResults(
                sweep, results, arms.stream().map(SweepArm::name).toList(), rates, seeds.length);
        r.save();
        System.out.println(r.budgetLine());
        return r;
    }
}
