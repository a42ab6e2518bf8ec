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
