package bnlab.experiments;

import bnlab.train.EpochResult;
import bnlab.train.History;
import bnlab.viz.Charts;
import bnlab.viz.Tables;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;

/**
 * Every run of an {@link Experiment}, and the arms summarized over their seeds. Measurements are
 * named as in the trainer's tables: "loss", "train acc", "test acc", plus any extra per-epoch
 * measurement the experiment added.
 */
public final class Results {

    private final List<Run> runs;
    private final int epochs;
    private final int trainImages;
    private final int testImages;
    private final int batchSize;
    private final double seconds;

    Results(List<Run> runs, int epochs, int trainImages, int testImages, int batchSize, double seconds) {
        this.runs = List.copyOf(runs);
        this.epochs = epochs;
        this.trainImages = trainImages;
        this.testImages = testImages;
        this.batchSize = batchSize;
        this.seconds = seconds;
    }

    public List<Run> runs() {
        return runs;
    }

    /**
     * These runs and {@code others}' together, e.g. to compare new arms with arms an earlier
     * experiment already trained on the same data with the same seeds and epochs.
     */
    public Results with(Results others) {
        if (others.epochs != epochs || others.trainImages != trainImages || others.testImages != testImages
                || others.batchSize != batchSize) {
            throw new IllegalArgumentException("cannot combine runs of different experiments: " + describe()
                    + " vs " + others.describe() + "; train them with the same data, epochs and batch size");
        }
        List<Run> all = new ArrayList<>(runs);
        for (Run r : others.runs) {
            if (runs.stream().anyMatch(x -> x.arm().name().equals(r.arm().name()))) {
                throw new IllegalArgumentException("both results have an arm named '" + r.arm().name() + "'");
            }
            all.add(r);
        }
        return new Results(all, epochs, trainImages, testImages, batchSize, seconds + others.seconds);
    }

    /** Only the named arms, in the order given (for a table or figure of one question). */
    public Results only(String... arms) {
        List<Run> picked = new ArrayList<>();
        for (String a : arms) {
            picked.addAll(runs(a));
        }
        return new Results(picked, epochs, trainImages, testImages, batchSize, seconds);
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

    /** The last epoch's value of {@code metric} for each seed of {@code arm} (NaN where it diverged). */
    public double[] last(String arm, String metric) {
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
     * The share of saturated inputs of sigmoid {@code sigmoid} (0-based) over training steps
     * [from, to) of each seed of {@code arm} ({@link Experiment#watchSigmoids}), summarized.
     */
    public Summary saturation(String arm, int sigmoid, int from, int to) {
        return Summary.of(arm, runs(arm).stream().mapToDouble(r -> {
            if (r.watch() == null) {
                throw new IllegalStateException("arm '" + arm + "' was not watched: add watchSigmoids(unit) to the experiment");
            }
            return r.watch().saturation(sigmoid, from, to);
        }).toArray());
    }

    /** {@link ActivationWatch#drift} of sigmoid {@code sigmoid} for each seed of {@code arm}, summarized. */
    public Summary drift(String arm, int sigmoid, int from, int to, int window) {
        return Summary.of(arm, runs(arm).stream().mapToDouble(r -> r.watch().drift(sigmoid, from, to, window)).toArray());
    }

    /** A measurement of each seed's trained network of {@code arm} (as training left it), summarized. */
    public Summary measureAfterTraining(String arm, java.util.function.ToDoubleFunction<bnlab.train.Classifier> measurement) {
        if (runs(arm).stream().anyMatch(r -> r.network() == null && !r.diverged())) {
            throw new IllegalStateException("the networks of arm '" + arm + "' were not kept: add keepNetworks() to the experiment");
        }
        return Summary.of(arm, runs(arm).stream()
                .mapToDouble(r -> r.diverged() ? Double.NaN : measurement.applyAsDouble(r.network())).toArray());
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
        return Paired.of(a, ra.stream().mapToLong(Run::seed).toArray(), ra.stream().mapToDouble(perRun).toArray(),
                b, rb.stream().mapToLong(Run::seed).toArray(), rb.stream().mapToDouble(perRun).toArray());
    }

    /**
     * Per seed of one arm, measurement {@code a} minus measurement {@code b} of the same run
     * (e.g. the jumps of the test accuracy with the moving statistics and with Precise BN).
     */
    public Paired paired(String arm, String nameA, java.util.function.ToDoubleFunction<Run> a,
                         String nameB, java.util.function.ToDoubleFunction<Run> b) {
        List<Run> r = runs(arm);
        long[] seeds = r.stream().mapToLong(Run::seed).toArray();
        return Paired.of(nameA, seeds, r.stream().mapToDouble(a).toArray(), nameB, seeds, r.stream().mapToDouble(b).toArray());
    }

    /** Per seed, the last epoch's {@code metric} of arm {@code a} minus that of arm {@code b}. */
    public Paired paired(String a, String b, String metric) {
        return paired(a, b, r -> r.last(metric));
    }

    /**
     * Per seed, how much {@code metric} moves from one epoch to the next: the mean of
     * |value(e) − value(e − 1)| over epochs {@code from}..last, summarized over the seeds.
     * This counts steady learning progress as jumping: prefer
     * {@code summary(arm, Jumps.of(metric, from))}, the swing around the trend.
     */
    public Summary jumps(String arm, String metric, int from) {
        double[] perSeed = runs(arm).stream().filter(r -> !r.diverged()).mapToDouble(r -> {
            double[] v = values(r.history(), metric);
            double sum = 0;
            int n = 0;
            for (int e = Math.max(1, from - 1); e < v.length; e++) {
                sum += Math.abs(v[e] - v[e - 1]);
                n++;
            }
            return n == 0 ? Double.NaN : sum / n;
        }).toArray();
        return Summary.of(arm, perSeed);
    }

    /**
     * Over all seeds and epochs {@code from}..last of {@code arm}: the correlation of the
     * epoch-to-epoch changes of two measurements (do they jump together?).
     */
    public double correlationOfChanges(String arm, String a, String b, int from) {
        List<double[]> pairs = new ArrayList<>();
        for (Run r : runs(arm)) {
            if (r.diverged()) {
                continue;
            }
            double[] x = values(r.history(), a);
            double[] y = values(r.history(), b);
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
        return runs(arm).stream().filter(r -> r.history() != null && r.history().epochs().size() >= epoch)
                .mapToDouble(r -> values(r.history(), metric)[epoch - 1]).average().orElse(Double.NaN);
    }

    /** One line saying how much each run trained, e.g. "each run: 2 epochs of 12,000 images, batch 256; 3 seeds". */
    public String describe() {
        long seeds = runs.stream().map(Run::seed).distinct().count();
        return String.format(Locale.ROOT, "each run: %d epoch%s of %,d training images, batch %d, tested on %,d images; "
                        + "%d arms × %d seeds = %d runs in %.0f s", epochs, epochs == 1 ? "" : "s", trainImages,
                batchSize, testImages, arms().size(), seeds, runs.size(), seconds);
    }

    /** One row per arm: runs, diverged runs, and the last epoch's {@code metric} as mean, sd, min and max. */
    public Table table(String metric) {
        List<Summary> s = arms().stream().map(a -> summary(a.name(), metric)).toList();
        return Table.create(metric + " after the last epoch, over seeds",
                StringColumn.create("arm", s.stream().map(Summary::arm).toList()),
                IntColumn.create("runs", s.stream().mapToInt(Summary::runs).toArray()),
                IntColumn.create("diverged", s.stream().mapToInt(Summary::diverged).toArray()),
                column("mean", s.stream().mapToDouble(Summary::mean).toArray()),
                column("sd", s.stream().mapToDouble(Summary::sd).toArray()),
                column("min", s.stream().mapToDouble(Summary::min).toArray()),
                column("max", s.stream().mapToDouble(Summary::max).toArray()));
    }

    /**
     * One row per arm: the means of the last epoch's {@code a} and {@code b}, and their difference
     * per seed (e.g. train acc − test acc, the generalization gap) as mean and sd.
     */
    public Table gaps(String a, String b) {
        List<Arm> arms = arms();
        List<Summary> d = arms.stream().map(x -> difference(x.name(), a, b)).toList();
        return Table.create(a + " − " + b + " after the last epoch, over seeds",
                StringColumn.create("arm", arms.stream().map(Arm::name).toList()),
                column(a, arms.stream().mapToDouble(x -> mean(x.name(), a)).toArray()),
                column(b, arms.stream().mapToDouble(x -> mean(x.name(), b)).toArray()),
                column("gap mean", d.stream().mapToDouble(Summary::mean).toArray()),
                column("gap sd", d.stream().mapToDouble(Summary::sd).toArray()));
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
        XYChart chart = Charts.lines(title, "epoch", metric);
        for (Arm arm : arms()) {
            List<Run> ok = runs(arm.name()).stream().filter(r -> !r.diverged()).toList();
            if (ok.isEmpty()) {
                continue;
            }
            int n = ok.stream().mapToInt(r -> r.history().epochs().size()).min().orElse(0);
            double[] x = new double[n];
            double[] mean = new double[n];
            double[] halfRange = new double[n];
            double[] centre = new double[n];
            for (int e = 0; e < n; e++) {
                final int ep = e;
                double[] v = ok.stream().mapToDouble(r -> values(r.history(), metric)[ep]).toArray();
                double lo = java.util.Arrays.stream(v).min().orElse(Double.NaN);
                double hi = java.util.Arrays.stream(v).max().orElse(Double.NaN);
                x[e] = e + 1;
                mean[e] = java.util.Arrays.stream(v).average().orElse(Double.NaN);
                centre[e] = mean[e];
                halfRange[e] = Math.max(hi - mean[e], mean[e] - lo);
            }
            XYSeries s = chart.addSeries(arm.name() + " (" + ok.size() + " seeds)", x, centre, halfRange);
            s.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.CIRCLE);
        }
        return chart;
    }

    /**
     * Several measurements of one arm against the epoch: one line per measurement, the mean over
     * the seeds with bars to the farthest seed (e.g. the test accuracy measured in three ways).
     */
    public XYChart measurements(String arm, String title, String yTitle, String... metrics) {
        XYChart chart = Charts.lines(title, "epoch", yTitle);
        List<Run> ok = runs(arm).stream().filter(r -> !r.diverged()).toList();
        int n = ok.stream().mapToInt(r -> r.history().epochs().size()).min().orElse(0);
        for (String metric : metrics) {
            double[] x = new double[n];
            double[] mean = new double[n];
            double[] bar = new double[n];
            for (int e = 0; e < n; e++) {
                final int ep = e;
                double[] v = ok.stream().mapToDouble(r -> values(r.history(), metric)[ep]).toArray();
                x[e] = e + 1;
                mean[e] = java.util.Arrays.stream(v).average().orElse(Double.NaN);
                bar[e] = java.util.Arrays.stream(v).map(a -> Math.abs(a - mean[ep])).max().orElse(0);
            }
            chart.addSeries(metric, x, mean, bar).setMarker(org.knowm.xchart.style.markers.SeriesMarkers.CIRCLE);
        }
        return chart;
    }

    /** Several measurements of one run (one seed) against the epoch, one line each. */
    public XYChart measurements(String arm, long seed, String title, String yTitle, String... metrics) {
        Run run = runs(arm).stream().filter(r -> r.seed() == seed).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("arm '" + arm + "' has no run with seed " + seed));
        XYChart chart = Charts.lines(title, "epoch", yTitle);
        int n = run.history() == null ? 0 : run.history().epochs().size();
        double[] x = java.util.stream.IntStream.rangeClosed(1, n).asDoubleStream().toArray();
        for (String metric : metrics) {
            chart.addSeries(metric, x, java.util.Arrays.copyOf(values(run.history(), metric), n))
                    .setMarker(org.knowm.xchart.style.markers.SeriesMarkers.CIRCLE);
        }
        return chart;
    }

    /** Per epoch, over the seeds of {@code arm}: the mean of each measurement (a table for notebook 7). */
    public Table perEpoch(String arm, String... metrics) {
        List<Run> ok = runs(arm).stream().filter(r -> !r.diverged()).toList();
        int n = ok.stream().mapToInt(r -> r.history().epochs().size()).min().orElse(0);
        Table t = Table.create(arm + ": means over " + ok.size() + " seeds",
                IntColumn.create("epoch", java.util.stream.IntStream.rangeClosed(1, n).toArray()));
        for (String metric : metrics) {
            double[] mean = new double[n];
            for (int e = 0; e < n; e++) {
                final int ep = e;
                mean[e] = ok.stream().mapToDouble(r -> values(r.history(), metric)[ep]).average().orElse(Double.NaN);
            }
            t.addColumns(column(metric, mean));
        }
        return t;
    }

    /**
     * A sweep: the last epoch's {@code metric} against each arm's x (e.g. the learning rate), one
     * line per series, mean over seeds with bars to the farthest seed; an x where every run of a
     * series diverged has no point.
     */
    public XYChart sweep(String metric, String title, String xTitle, boolean logX) {
        XYChart chart = Charts.lines(title, xTitle, metric);
        chart.getStyler().setXAxisLogarithmic(logX);
        Map<String, List<Arm>> bySeries = arms().stream()
                .collect(Collectors.groupingBy(Arm::series, LinkedHashMap::new, Collectors.toList()));
        for (var e : bySeries.entrySet()) {
            List<double[]> points = new ArrayList<>();
            for (Arm a : e.getValue()) {
                if (!Double.isFinite(a.x())) {
                    continue;
                }
                Summary s = summary(a.name(), metric);
                if (!Double.isNaN(s.mean())) {
                    points.add(new double[] {a.x(), s.mean(), Math.max(s.max() - s.mean(), s.mean() - s.min())});
                }
            }
            if (points.isEmpty()) {
                continue;
            }
            XYSeries s = chart.addSeries(e.getKey(), points.stream().mapToDouble(p -> p[0]).toArray(),
                    points.stream().mapToDouble(p -> p[1]).toArray(), points.stream().mapToDouble(p -> p[2]).toArray());
            s.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.CIRCLE);
        }
        return chart;
    }

    /** A chart as the PNG image a notebook shows. */
    public static BufferedImage image(XYChart chart) {
        return Charts.image(chart);
    }

    /** Per-epoch values of a measurement of one run's history. */
    static double[] values(History h, String metric) {
        return switch (metric) {
            case "loss" -> h.epochs().stream().mapToDouble(EpochResult::loss).toArray();
            case "train acc" -> h.epochs().stream().mapToDouble(EpochResult::trainAcc).toArray();
            case "test acc" -> h.epochs().stream().mapToDouble(EpochResult::testAcc).toArray();
            default -> h.metric(metric);
        };
    }

    private static DoubleColumn column(String name, double[] values) {
        DoubleColumn c = DoubleColumn.create(name, values);
        c.setPrintFormatter(NumberColumnFormatter.fixedWithGrouping(3));
        return c;
    }

    @Override
    public String toString() {
        return describe();
    }
}
