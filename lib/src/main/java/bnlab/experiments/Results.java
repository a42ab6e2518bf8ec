package bnlab.experiments;

import bnlab.train.Classifier;
import bnlab.viz.Charts;
import bnlab.viz.Tables;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.Table;

/**
 * Every run of an {@link Experiment}, and the arms summarized over their seeds. Measurements are
 * named as in the trainer's tables: "loss", "train acc", "test acc", plus any extra per-epoch
 * measurement the experiment added.
 *
 * <p>This class holds the runs and computes their statistics; {@link ResultTables} makes its
 * tables and {@link ResultCharts} its figures (the methods here that return a table or a chart
 * hand over to them), {@link ResultsCsv} writes its file.
 */
public final class Results {

    private final String name;
    private final List<Run> runs;
    private final Budget budget;
    /** Measurements taken after training, e.g. by a batch-size sweep: name → run → value. */
    private final Map<String, Map<Run, Double>> afterTraining = new LinkedHashMap<>();

    Results(String name, List<Run> runs, Budget budget) {
        this.name = name;
        this.runs = List.copyOf(runs);
        this.budget = budget;
    }

    /** The experiment's name (its CSV file's name). */
    public String name() {
        return name;
    }

    public List<Run> runs() {
        return runs;
    }

    Budget budget() {
        return budget;
    }

    /** How many of the runs were trained just now. */
    public int trained() {
        return (int) runs.stream().filter(r -> !r.loaded()).count();
    }

    /** How many of the runs were loaded from the run cache. */
    public int loaded() {
        return (int) runs.stream().filter(Run::loaded).count();
    }

    /**
     * These runs and {@code others}' together, e.g. to compare new arms with arms an earlier
     * experiment already trained on the same data with the same seeds and epochs.
     */
    public Results with(Results others) {
        if (!budget.sameRuns(others.budget)) {
            throw new IllegalArgumentException("cannot combine runs of different experiments: " + describe() + " vs "
                    + others.describe() + "; train them with the same data, epochs and batch size");
        }
        List<Run> all = new ArrayList<>(runs);
        for (Run r : others.runs) {
            if (runs.stream().anyMatch(x -> x.arm().name().equals(r.arm().name()))) {
                throw new IllegalArgumentException(
                        "both results have an arm named '" + r.arm().name() + "'");
            }
            all.add(r);
        }
        Results r = new Results(name, all, budget.plus(others.budget));
        r.keepAfterTrainingOf(this);
        r.keepAfterTrainingOf(others);
        return r;
    }

    private void keepAfterTrainingOf(Results other) {
        other.afterTraining.forEach((metric, values) -> {
            Map<Run, Double> m = afterTraining.computeIfAbsent(metric, k -> new IdentityHashMap<>());
            values.forEach((run, v) -> {
                if (runs.contains(run)) {
                    m.put(run, v);
                }
            });
        });
    }

    /** Only the named arms, in the order given (for a table or figure of one question). */
    public Results only(String... arms) {
        List<Run> picked = new ArrayList<>();
        for (String a : arms) {
            picked.addAll(runs(a));
        }
        Results r = new Results(name, picked, budget);
        r.keepAfterTrainingOf(this);
        return r;
    }

    /** Per seed, {@code a} − {@code b} of the last epoch (e.g. train acc − test acc, the generalization gap), summarized. */
    public Summary difference(String arm, String a, String b) {
        double[] x = last(arm, a);
        double[] y = last(arm, b);
        double[] d = new double[x.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = x[i] - y[i];
        }
        return Summary.of(arm, d);
    }

    /** The arms, in the order they were added. */
    public List<Arm> arms() {
        Map<String, Arm> arms = new LinkedHashMap<>();
        runs.forEach(r -> arms.putIfAbsent(r.arm().name(), r.arm()));
        return List.copyOf(arms.values());
    }

    /** The runs of one arm, one per seed. */
    public List<Run> runs(String arm) {
        List<Run> list = runs.stream().filter(r -> r.arm().name().equals(arm)).toList();
        if (list.isEmpty()) {
            throw new IllegalArgumentException("no arm named '" + arm + "'; the arms are "
                    + arms().stream().map(Arm::name).toList());
        }
        return list;
    }

    /** The runs of one arm that did not diverge. */
    List<Run> finished(String arm) {
        return runs(arm).stream().filter(r -> !r.diverged()).toList();
    }

    /** The last epoch's value of {@code metric} for each seed of {@code arm} (NaN where it diverged). */
    public double[] last(String arm, String metric) {
        Map<Run, Double> after = afterTraining.get(metric);
        if (after != null) {
            return runs(arm).stream()
                    .mapToDouble(r -> after.getOrDefault(r, Double.NaN))
                    .toArray();
        }
        return runs(arm).stream().mapToDouble(r -> r.last(metric)).toArray();
    }

    /** {@code metric} of the last epoch of {@code arm}, summarized over the seeds. */
    public Summary summary(String arm, String metric) {
        return Summary.of(arm, last(arm, metric));
    }

    /** The mean of the last epoch's {@code metric} over the seeds that did not diverge. */
    public double mean(String arm, String metric) {
        return summary(arm, metric).mean();
    }

    /**
     * {@code metric} after each epoch over the seeds of {@code arm} that did not diverge, as many
     * epochs as every one of them finished: one summary per epoch.
     */
    List<Summary> epochSummaries(String arm, String metric) {
        List<Run> ok = finished(arm);
        int n = ok.stream().mapToInt(r -> r.history().epochs().size()).min().orElse(0);
        List<Summary> s = new ArrayList<>();
        for (int e = 0; e < n; e++) {
            final int ep = e;
            s.add(Summary.of(
                    arm,
                    ok.stream()
                            .mapToDouble(r -> Metrics.values(r.history(), metric)[ep])
                            .toArray()));
        }
        return s;
    }

    /**
     * The share of saturated inputs of sigmoid {@code sigmoid} (0-based) over training steps
     * [from, to) of each seed of {@code arm} ({@link Experiment#watchSigmoids}), summarized.
     */
    public Summary saturation(String arm, int sigmoid, int from, int to) {
        return Summary.of(
                arm,
                runs(arm).stream()
                        .mapToDouble(r -> watch(r, arm).saturation(sigmoid, from, to))
                        .toArray());
    }

    /** {@link ActivationWatch#drift} of sigmoid {@code sigmoid} for each seed of {@code arm}, summarized. */
    public Summary drift(String arm, int sigmoid, int from, int to, int window) {
        return Summary.of(
                arm,
                runs(arm).stream()
                        .mapToDouble(r -> watch(r, arm).drift(sigmoid, from, to, window))
                        .toArray());
    }

    private static ActivationWatch watch(Run r, String arm) {
        if (r.watch() == null) {
            throw new IllegalStateException(
                    "arm '" + arm + "' was not watched: add watchSigmoids(unit) to the experiment");
        }
        return r.watch();
    }

    /** A measurement of each seed's trained network of {@code arm} (as training left it), summarized. */
    public Summary measureAfterTraining(String arm, ToDoubleFunction<Classifier> measurement) {
        return Summary.of(arm, measured(arm, measurement));
    }

    /**
     * Measures every arm's trained networks ({@link Experiment#keepNetworks}) with
     * {@code measurement} and keeps the values as {@code metric}, as if it were the last epoch's:
     * {@link #last}, {@link #summary(String, String)}, {@link #paired(String, String, String)}, the
     * tables read it, and the CSV file is written again with it as a column. E.g. the training
     * accuracy in inference mode, after training. Returns these results.
     */
    public Results addAfterTraining(String metric, ToDoubleFunction<Classifier> measurement) {
        for (Arm a : arms()) {
            keepAfterTraining(metric, a.name(), measured(a.name(), measurement));
        }
        save(); // the CSV file gets the new column
        return this;
    }

    /** {@code measurement} of each seed's trained network of {@code arm}, NaN where the run diverged. */
    double[] measured(String arm, ToDoubleFunction<Classifier> measurement) {
        if (runs(arm).stream().anyMatch(r -> r.network() == null && !r.diverged())) {
            throw new IllegalStateException("the networks of arm '" + arm
                    + "' were not kept: add keepNetworks() to the " + "experiment (or the sweep) before run()");
        }
        return runs(arm).stream()
                .mapToDouble(r -> r.diverged() ? Double.NaN : Evaluations.afterTraining(measurement, r.network()))
                .toArray();
    }

    /**
     * Keeps {@code values} (one per seed of {@code arm}, in order) as the after-training
     * measurement {@code metric}: {@link #last} and the tables read it, the CSV file gets a column.
     */
    void keepAfterTraining(String metric, String arm, double[] values) {
        List<Run> rs = runs(arm);
        Map<Run, Double> m = afterTraining.computeIfAbsent(metric, k -> new IdentityHashMap<>());
        for (int i = 0; i < rs.size(); i++) {
            m.put(rs.get(i), values[i]);
        }
    }

    /**
     * Keeps a per-run value computed after training (e.g. {@code Evaluations.ofTrainedNetwork(...)}
     * or the gap between two of them) for every run of every arm, under {@code metric}: the CSV file
     * gets a column for it, filled on each run's last row, and is written again. Returns this.
     */
    public Results keep(String metric, ToDoubleFunction<Run> perRun) {
        for (Arm a : arms()) {
            keepAfterTraining(
                    metric,
                    a.name(),
                    runs(a.name()).stream().mapToDouble(perRun).toArray());
        }
        save();
        return this;
    }

    Map<String, Map<Run, Double>> afterTraining() {
        return afterTraining;
    }

    /** Whether {@code metric} was measured after training for {@code arm} (false for per-epoch metrics). */
    boolean measuredAfterTraining(String metric, String arm) {
        Map<Run, Double> m = afterTraining.get(metric);
        return m != null && runs(arm).stream().allMatch(m::containsKey);
    }

    /** Whether {@code metric} is an after-training measurement of these runs. */
    boolean isAfterTraining(String metric) {
        return afterTraining.containsKey(metric);
    }

    /**
     * A per-run measurement (e.g. {@link Jumps#of}) of each seed of {@code arm}, summarized;
     * runs where it is NaN (diverged) are counted as diverged.
     */
    public Summary summary(String arm, java.util.function.ToDoubleFunction<Run> perRun) {
        return Summary.of(arm, runs(arm).stream().mapToDouble(perRun).toArray());
    }

    /** Per seed, {@code perRun} of arm {@code a} minus that of arm {@code b} ({@link Paired}). */
    public Paired paired(String a, String b, java.util.function.ToDoubleFunction<Run> perRun) {
        List<Run> ra = runs(a);
        List<Run> rb = runs(b);
        return Paired.of(
                a,
                ra.stream().mapToLong(Run::seed).toArray(),
                ra.stream().mapToDouble(perRun).toArray(),
                b,
                rb.stream().mapToLong(Run::seed).toArray(),
                rb.stream().mapToDouble(perRun).toArray());
    }

    /**
     * Per seed of one arm, measurement {@code a} minus measurement {@code b} of the same run
     * (e.g. the jumps of the test accuracy with the moving statistics and with Precise BN).
     */
    public Paired paired(
            String arm,
            String nameA,
            java.util.function.ToDoubleFunction<Run> a,
            String nameB,
            java.util.function.ToDoubleFunction<Run> b) {
        List<Run> r = runs(arm);
        long[] seeds = r.stream().mapToLong(Run::seed).toArray();
        return Paired.of(
                        nameA,
                        seeds,
                        r.stream().mapToDouble(a).toArray(),
                        nameB,
                        seeds,
                        r.stream().mapToDouble(b).toArray())
                .about(arm);
    }

    /** Per seed, the last epoch's {@code metric} of arm {@code a} minus that of arm {@code b}. */
    public Paired paired(String a, String b, String metric) {
        return Paired.of(
                        a,
                        runs(a).stream().mapToLong(Run::seed).toArray(),
                        last(a, metric),
                        b,
                        runs(b).stream().mapToLong(Run::seed).toArray(),
                        last(b, metric))
                .about(metric);
    }

    /**
     * Per seed, the gap {@code metricA} − {@code metricB} (e.g. train acc − test acc) of arm
     * {@code a} minus that of arm {@code b}: does one arm's gap differ from the other's?
     */
    public Paired pairedGaps(String a, String b, String metricA, String metricB) {
        double[] ga = gaps(a, metricA, metricB);
        double[] gb = gaps(b, metricA, metricB);
        return Paired.of(
                        a,
                        runs(a).stream().mapToLong(Run::seed).toArray(),
                        ga,
                        b,
                        runs(b).stream().mapToLong(Run::seed).toArray(),
                        gb)
                .about(metricA + " − " + metricB);
    }

    private double[] gaps(String arm, String metricA, String metricB) {
        double[] x = last(arm, metricA);
        double[] y = last(arm, metricB);
        double[] d = new double[x.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = x[i] - y[i];
        }
        return d;
    }

    /**
     * Per seed, how much {@code metric} moves from one epoch to the next: the mean of
     * |value(e) − value(e − 1)| over epochs {@code from}..last, summarized over the seeds.
     * This counts steady learning progress as jumping: prefer
     * {@code summary(arm, Jumps.of(metric, from))}, the swing around the trend.
     */
    public Summary jumps(String arm, String metric, int from) {
        double[] perSeed = finished(arm).stream()
                .mapToDouble(r -> {
                    double[] v = Metrics.values(r.history(), metric);
                    double sum = 0;
                    int n = 0;
                    for (int e = Math.max(1, from - 1); e < v.length; e++) {
                        sum += Math.abs(v[e] - v[e - 1]);
                        n++;
                    }
                    return n == 0 ? Double.NaN : sum / n;
                })
                .toArray();
        return Summary.of(arm, perSeed);
    }

    /**
     * Over all seeds and epochs {@code from}..last of {@code arm}: the correlation of the
     * epoch-to-epoch changes of two measurements (do they jump together?).
     */
    public double correlationOfChanges(String arm, String a, String b, int from) {
        List<double[]> pairs = new ArrayList<>();
        for (Run r : finished(arm)) {
            double[] x = Metrics.values(r.history(), a);
            double[] y = Metrics.values(r.history(), b);
            for (int e = Math.max(1, from - 1); e < x.length; e++) {
                pairs.add(new double[] {x[e] - x[e - 1], y[e] - y[e - 1]});
            }
        }
        double mx = pairs.stream().mapToDouble(p -> p[0]).average().orElse(Double.NaN);
        double my = pairs.stream().mapToDouble(p -> p[1]).average().orElse(Double.NaN);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (double[] p : pairs) {
            sxy += (p[0] - mx) * (p[1] - my);
            sxx += (p[0] - mx) * (p[0] - mx);
            syy += (p[1] - my) * (p[1] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    /** The mean over the seeds of {@code metric} after epoch {@code epoch} (1-based), runs that got there only. */
    public double mean(String arm, String metric, int epoch) {
        return runs(arm).stream()
                .filter(r -> r.history() != null && r.history().epochs().size() >= epoch)
                .mapToDouble(r -> Metrics.values(r.history(), metric)[epoch - 1])
                .average()
                .orElse(Double.NaN);
    }

    /**
     * The budget and where the runs came from, e.g. "each run: 2 epochs × 4 steps = 8 steps of
     * batch 256 on 1,024 training images (tested on 512); 2 arms × 3 seeds = 6 runs: trained 6,
     * loaded 0 from the run cache, in 12 s".
     */
    public String describe() {
        long seeds = runs.stream().map(Run::seed).distinct().count();
        return Budget.summary(budget.each(), arms().size(), seeds, runs.size(), trained(), loaded(), budget.seconds());
    }

    /** The line {@link Experiment#run()} prints: what was trained and loaded, each run's budget, the file. */
    String budgetLine() {
        return Budget.line(name, trained(), loaded(), budget.each(), ResultsFolder.shown(csvFile()));
    }

    /** Where {@link #save()} writes: {@code build/results/NOTEBOOK/NAME.csv}. */
    public Path csvFile() {
        return ResultsFolder.csv(name);
    }

    /**
     * Writes every run to {@link #csvFile()} (replacing it): one row per arm, seed and epoch with
     * the experiment, the arm and its network, the seed, the epoch and the training steps so far,
     * the learning rate, batch size, training loss and accuracy, test accuracy, every extra
     * measurement, and why a run stopped if it did; see {@link ResultsCsv}.
     */
    public Path save() {
        return ResultsCsv.write(this, csvFile());
    }

    /** One row per arm: runs, diverged runs, and the last epoch's {@code metric} as mean, sd, min and max. */
    public Table table(String metric) {
        return ResultTables.summaries(this, metric);
    }

    /**
     * One row per arm: the means of the last epoch's {@code a} and {@code b}, and their difference
     * per seed (e.g. train acc − test acc, the generalization gap) as mean and sd.
     */
    public Table gaps(String a, String b) {
        return ResultTables.gaps(this, a, b);
    }

    /** {@link #table} as HTML with its title, for {@code render(..., "text/html")}. */
    public String html(String metric) {
        return Tables.html(table(metric));
    }

    /**
     * {@code metric} against the epoch, one line per arm: the mean over seeds, with bars from the
     * lowest to the highest seed.
     */
    public XYChart curves(String metric, String title) {
        return ResultCharts.curves(this, metric, title);
    }

    /**
     * Several measurements of one arm against the epoch: one line per measurement, the mean over
     * the seeds with bars from the lowest to the highest seed (e.g. the test accuracy measured in
     * three ways).
     */
    public XYChart measurements(String arm, String title, String yTitle, String... metrics) {
        return ResultCharts.measurements(this, arm, title, yTitle, metrics);
    }

    /** Several measurements of one run (one seed) against the epoch, one line each. */
    public XYChart measurements(String arm, long seed, String title, String yTitle, String... metrics) {
        return ResultCharts.measurements(this, arm, seed, title, yTitle, metrics);
    }

    /** Per epoch, over the seeds of {@code arm}: the mean of each measurement (a table for notebook 7). */
    public Table perEpoch(String arm, String... metrics) {
        return ResultTables.perEpoch(this, arm, metrics);
    }

    /**
     * A sweep: the last epoch's {@code metric} against each arm's x (e.g. the learning rate), one
     * line per series, mean over seeds with bars from the lowest to the highest seed; an x where
     * every run of a series diverged has no point.
     */
    public XYChart sweep(String metric, String title, String xTitle, boolean logX) {
        return ResultCharts.sweep(this, metric, title, xTitle, logX);
    }

    /** A chart as the PNG image a notebook shows. */
    public static BufferedImage image(XYChart chart) {
        return Charts.image(chart);
    }

    @Override
    public String toString() {
        return describe();
    }
}
