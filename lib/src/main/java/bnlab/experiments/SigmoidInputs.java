package bnlab.experiments;

import bnlab.nn.PreciseBatchNorm;
import bnlab.nn.Sequential;
import bnlab.nn.Sigmoid;
import bnlab.train.Classifier;
import bnlab.train.ScratchClassifier;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;

/**
 * What the sigmoids of a trained network receive, measured on one batch: for every sigmoid, the
 * 5th, 50th and 95th percentiles of all its input values (every unit, every example, every
 * position) and the share that is saturated, |x| &gt; ln 19 ≈ 2.94, where σ(x) &lt; 0.05 or
 * &gt; 0.95 and its slope σ'(x) is below a fifth of its maximum ¼ (the threshold of
 * {@link ActivationWatch#SATURATED}). The batch goes through the network as a training step
 * sees it — every batch norm with the batch's own statistics, dropout off — but nothing is
 * changed: no update, and the moving statistics are left as they were.
 */
public final class SigmoidInputs {

    /** One sigmoid's input: three percentiles and the saturated share. */
    public record Stats(String sigmoid, double p5, double p50, double p95, double saturated) {}

    private final List<Stats> stats;

    private SigmoidInputs(List<Stats> stats) {
        this.stats = List.copyOf(stats);
    }

    /** Measures the input of every {@link Sigmoid} of {@code net} on the batch {@code x}. */
    public static SigmoidInputs measure(Sequential net, INDArray x) {
        List<Integer> before = new ArrayList<>();
        for (int i = 1; i < net.size(); i++) {
            if (net.get(i) instanceof Sigmoid) {
                before.add(i - 1);
            }
        }
        if (before.isEmpty()) {
            throw new IllegalArgumentException("the network has no Sigmoid layer to measure");
        }
        float[][] seen = new float[before.size()][];
        boolean training = net.isTraining();
        try {
            for (int k = 0; k < before.size(); k++) {
                final int s = k;
                net.observe(before.get(k), a -> seen[s] = a.dup('c').data().asFloat());
            }
            net.setTraining(false);
            PreciseBatchNorm.withBatchStatistics(net, () -> net.forward(x));
        } finally {
            before.forEach(i -> net.observe(i, null));
            net.setTraining(training);
        }
        List<Stats> stats = new ArrayList<>();
        for (int k = 0; k < seen.length; k++) {
            stats.add(stats("sigmoid " + (k + 1), seen[k]));
        }
        return new SigmoidInputs(stats);
    }

    static Stats stats(String name, float[] values) {
        float[] v = values.clone();
        long saturated = 0;
        for (float x : v) {
            if (Math.abs(x) > ActivationWatch.SATURATED) {
                saturated++;
            }
        }
        return new Stats(
                name,
                ActivationWatch.percentile(v, 0.05),
                ActivationWatch.percentile(v, 0.5),
                ActivationWatch.percentile(v, 0.95),
                (double) saturated / v.length);
    }

    /** One entry per sigmoid, in the network's order. */
    public List<Stats> stats() {
        return stats;
    }

    /** The saturated share over all sigmoid inputs together, each sigmoid weighing the same. */
    public double saturated() {
        return stats.stream().mapToDouble(Stats::saturated).average().orElse(Double.NaN);
    }

    /**
     * A per-network measurement for {@link Results#measureAfterTraining}: the saturated share of
     * sigmoid {@code sigmoid} (1-based; 0 = the mean over all sigmoids) on batch {@code x}.
     */
    public static ToDoubleFunction<Classifier> saturatedShare(INDArray x, int sigmoid) {
        return c -> {
            SigmoidInputs s = measure(network(c), x);
            return sigmoid == 0 ? s.saturated() : s.stats().get(sigmoid - 1).saturated();
        };
    }

    /** A table: one row per sigmoid, the percentiles and the saturated share. */
    public Table table(String title) {
        DoubleColumn p5 = DoubleColumn.create(
                "5th percentile", stats.stream().mapToDouble(Stats::p5).toArray());
        DoubleColumn p50 = DoubleColumn.create(
                "median", stats.stream().mapToDouble(Stats::p50).toArray());
        DoubleColumn p95 = DoubleColumn.create(
                "95th percentile", stats.stream().mapToDouble(Stats::p95).toArray());
        DoubleColumn sat = DoubleColumn.create(
                "saturated share", stats.stream().mapToDouble(Stats::saturated).toArray());
        for (DoubleColumn c : List.of(p5, p50, p95, sat)) {
            c.setPrintFormatter(NumberColumnFormatter.fixedWithGrouping(3));
        }
        return Table.create(
                title,
                StringColumn.create(
                        "sigmoid", stats.stream().map(Stats::sigmoid).toList()),
                p5,
                p50,
                p95,
                sat);
    }

    /**
     * One row per arm of {@code results} and sigmoid: the percentiles and saturated share of its
     * input on {@code x}, each the mean over the arm's seeds (networks kept with
     * {@link Experiment#keepNetworks}; diverged runs left out).
     */
    public static Table table(Results results, INDArray x, String title) {
        StringColumn arm = StringColumn.create("arm");
        StringColumn sigmoid = StringColumn.create("sigmoid");
        DoubleColumn p5 = DoubleColumn.create("5th percentile");
        DoubleColumn p50 = DoubleColumn.create("median");
        DoubleColumn p95 = DoubleColumn.create("95th percentile");
        DoubleColumn sat = DoubleColumn.create("saturated share");
        for (Arm a : results.arms()) {
            List<SigmoidInputs> seeds = new ArrayList<>();
            for (Run r : results.runs(a.name())) {
                if (r.diverged()) {
                    continue;
                }
                if (r.network() == null) {
                    throw new IllegalStateException("the networks of arm '" + a.name() + "' were not kept: add "
                            + "keepNetworks() to the experiment before run()");
                }
                Sequential net = network(r.network());
                seeds.add(measure(net, x));
                net.releaseEngine(); // a kept network's engine arrays would stay on the heap
            }
            if (seeds.isEmpty()) {
                continue;
            }
            for (int k = 0; k < seeds.get(0).stats.size(); k++) {
                final int i = k;
                arm.append(a.name());
                sigmoid.append(seeds.get(0).stats.get(k).sigmoid());
                p5.append(seeds.stream()
                        .mapToDouble(s -> s.stats.get(i).p5())
                        .average()
                        .orElse(Double.NaN));
                p50.append(seeds.stream()
                        .mapToDouble(s -> s.stats.get(i).p50())
                        .average()
                        .orElse(Double.NaN));
                p95.append(seeds.stream()
                        .mapToDouble(s -> s.stats.get(i).p95())
                        .average()
                        .orElse(Double.NaN));
                sat.append(seeds.stream()
                        .mapToDouble(s -> s.stats.get(i).saturated())
                        .average()
                        .orElse(Double.NaN));
            }
        }
        for (DoubleColumn c : List.of(p5, p50, p95, sat)) {
            c.setPrintFormatter(NumberColumnFormatter.fixedWithGrouping(3));
        }
        return Table.create(title, arm, sigmoid, p5, p50, p95, sat);
    }

    private static Sequential network(Classifier c) {
        if (c instanceof ScratchClassifier m && m.net() instanceof Sequential s) {
            return s;
        }
        throw new IllegalArgumentException(
                "measuring sigmoid inputs needs a network of bnlab.nn layers in a Sequential "
                        + "(a ScratchClassifier), got " + c.name());
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (Stats s : stats) {
            b.append(String.format(
                    java.util.Locale.ROOT,
                    "%s: p5 %.2f, median %.2f, p95 %.2f, saturated %.3f%n",
                    s.sigmoid(),
                    s.p5(),
                    s.p50(),
                    s.p95(),
                    s.saturated()));
        }
        return b.toString().stripTrailing();
    }
}
