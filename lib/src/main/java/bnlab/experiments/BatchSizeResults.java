package bnlab.experiments;

import bnlab.train.Classifier;
import bnlab.viz.Charts;
import bnlab.viz.Tables;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * What a {@link BatchSizeSweep} measured: for every batch size, the {@link Results} of its
 * experiment, plus measurements taken after training (e.g. the test accuracy with each test
 * batch normalized by its own statistics). A metric is "loss", "train acc", "test acc" (the last
 * epoch's, as in {@link Results}) or the name of an after-training measurement.
 */
public final class BatchSizeResults {

    private final Map<Integer, Results> bySize;
    private final List<String> arms;
    /** arm → how its learning rate follows the batch size. */
    private final Map<String, ScaledLearningRate> rates;
    /** batch size → passes over the training images (more than one where one pass is too few steps). */
    private final Map<Integer, Integer> passes;
    private final int trainImages;
    private final int testImages;
    private final int seeds;
    private final double seconds;
    /** measurement name → "arm@b" → one value per seed. */
    private final Map<String, Map<String, double[]>> after = new LinkedHashMap<>();

    BatchSizeResults(Map<Integer, Results> bySize, List<String> arms, Map<String, ScaledLearningRate> rates,
                     Map<Integer, Integer> passes, int trainImages, int testImages, int seeds, double seconds) {
        this.bySize = new LinkedHashMap<>(bySize);
        this.arms = List.copyOf(arms);
        this.rates = new LinkedHashMap<>(rates);
        this.passes = new java.util.TreeMap<>(passes);
        this.trainImages = trainImages;
        this.testImages = testImages;
        this.seeds = seeds;
        this.seconds = seconds;
    }

    /**
     * These runs and {@code others}' together (e.g. new arms beside a batch norm trained before),
     * which must come from the same data, seeds and passes at every batch size both trained; each
     * arm keeps its own learning-rate rule.
     */
    public BatchSizeResults with(BatchSizeResults others) {
        boolean samePasses = passes.keySet().stream().filter(others.passes::containsKey)
                .allMatch(b -> passes.get(b).equals(others.passes.get(b)));
        if (!samePasses || others.trainImages != trainImages || others.testImages != testImages
                || others.seeds != seeds) {
            throw new IllegalArgumentException("cannot combine sweeps of different settings: " + describe() + " vs "
                    + others.describe());
        }
        for (String a : others.arms) {
            if (arms.contains(a)) {
                throw new IllegalArgumentException("both sweeps have an arm named '" + a + "'");
            }
        }
        Map<Integer, Results> merged = new java.util.TreeMap<>(bySize);
        others.bySize.forEach((b, r) -> merged.merge(b, r, Results::with));
        List<String> allArms = new ArrayList<>(arms);
        allArms.addAll(others.arms);
        Map<String, ScaledLearningRate> allRates = new LinkedHashMap<>(rates);
        allRates.putAll(others.rates);
        Map<Integer, Integer> allPasses = new java.util.TreeMap<>(passes);
        allPasses.putAll(others.passes);
        BatchSizeResults m = new BatchSizeResults(merged, allArms, allRates, allPasses, trainImages, testImages, seeds,
                seconds + others.seconds);
        for (BatchSizeResults r : List.of(this, others)) {
            r.after.forEach((name, values) -> m.after.computeIfAbsent(name, k -> new HashMap<>()).putAll(values));
        }
        return m;
    }

    /** The batch sizes trained, in increasing order. */
    public int[] batchSizes() {
        return bySize.keySet().stream().mapToInt(Integer::intValue).toArray();
    }

    /** The batch sizes at which {@code arm} was trained. */
    public int[] batchSizes(String arm) {
        checkArm(arm);
        return bySize.entrySet().stream()
                .filter(e -> e.getValue().arms().stream().anyMatch(a -> a.name().equals(arm)))
                .mapToInt(Map.Entry::getKey).toArray();
    }

    public List<String> arms() {
        return arms;
    }

    /** The experiment at batch size b, with all of {@link Results}' tables and figures. */
    public Results at(int b) {
        Results r = bySize.get(b);
        if (r == null) {
            throw new IllegalArgumentException("no runs at batch size " + b + "; the batch sizes are "
                    + Arrays.toString(batchSizes()));
        }
        return r;
    }

    /** The learning rate {@code arm}'s runs at batch size b used. */
    public double learningRate(String arm, int b) {
        checkArm(arm);
        return rates.get(arm).at(b);
    }

    /** The learning rate the runs at batch size b used, when every arm follows the same rule. */
    public double learningRate(int b) {
        if (rates.values().stream().distinct().count() > 1) {
            throw new IllegalStateException("the arms follow different learning-rate rules " + rates
                    + ": ask learningRate(arm, b)");
        }
        return rates.values().iterator().next().at(b);
    }

    /** How many passes over the training images the runs at batch size b made. */
    public int passes(int b) {
        at(b);
        return passes.get(b);
    }

    /** How many steps the runs at batch size b took. */
    public long steps(int b) {
        return (long) passes(b) * ((trainImages + b - 1) / b);
    }

    /**
     * Measures every trained network of {@code arm} at every batch size with {@code measurement.apply(b)}
     * (e.g. {@code b -> withBatchStatistics(test, b)}), and keeps the values under {@code name}.
     */
    public BatchSizeResults measureAfterTraining(String name, String arm, IntFunction<ToDoubleFunction<Classifier>> measurement) {
        checkArm(arm);
        Map<String, double[]> values = after.computeIfAbsent(name, k -> new HashMap<>());
        for (int b : batchSizes(arm)) {
            values.put(key(arm, b), at(b).runs(arm).stream()
                    .mapToDouble(r -> r.diverged() ? Double.NaN : measurement.apply(b).applyAsDouble(trained(r)))
                    .toArray());
        }
        return this;
    }

    private static Classifier trained(Run r) {
        if (r.network() == null) {
            throw new IllegalStateException("the sweep did not keep its networks: call keepNetworks() on the "
                    + "BatchSizeSweep before run() to measure them after training");
        }
        return r.network();
    }

    /** {@code metric} of each seed's run of {@code arm} at batch size b (NaN where it diverged). */
    public double[] values(String arm, int b, String metric) {
        Map<String, double[]> measured = after.get(metric);
        if (measured != null) {
            double[] v = measured.get(key(arm, b));
            if (v == null) {
                throw new IllegalArgumentException("'" + metric + "' was not measured for " + arm + " at batch size " + b);
            }
            return v.clone();
        }
        return at(b).last(arm, metric);
    }

    /** Whether {@code arm} was trained at batch size b and, for an after-training measurement, measured there. */
    public boolean has(String arm, int b, String metric) {
        if (!bySize.containsKey(b) || Arrays.stream(batchSizes(arm)).noneMatch(x -> x == b)) {
            return false;
        }
        Map<String, double[]> measured = after.get(metric);
        return measured == null || measured.containsKey(key(arm, b));
    }

    /** {@code metric} of {@code arm} at batch size b over the seeds. */
    public Summary summary(String arm, int b, String metric) {
        return Summary.of(arm + ", batch " + b, values(arm, b, metric));
    }

    public double mean(String arm, int b, String metric) {
        return summary(arm, b, metric).mean();
    }

    /** Per seed, {@code a} − {@code b} (same seed: same initial weights and batches), e.g. GN − BN at batch 2. */
    public Summary difference(String a, String b, int batchSize, String metric) {
        double[] x = values(a, batchSize, metric);
        double[] y = values(b, batchSize, metric);
        double[] d = new double[x.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = x[i] - y[i];
        }
        return Summary.of(a + " − " + b + ", batch " + batchSize, d);
    }

    /** The batch size at which {@code arm}'s mean {@code metric} is highest. */
    public int best(String arm, String metric) {
        int best = -1;
        double top = Double.NEGATIVE_INFINITY;
        for (int b : batchSizes(arm)) {
            double m = mean(arm, b, metric);
            if (m > top) {
                top = m;
                best = b;
            }
        }
        return best;
    }

    /**
     * {@code metric} against the batch size (log scale), one line per arm (all, or those named): the
     * mean over the seeds with bars to the farthest seed.
     */
    public XYChart chart(String metric, String title, String... arms) {
        XYChart chart = axes(title, metric + ", mean of " + seeds + " seeds");
        for (String arm : arms.length == 0 ? this.arms : List.of(arms)) {
            addSeries(chart, arm, arm, metric);
        }
        return chart;
    }

    /** Several measurements of one arm against the batch size (log scale), mean over seeds with bars to the farthest. */
    public XYChart measurements(String arm, String title, String yTitle, String... metrics) {
        XYChart chart = axes(title, yTitle);
        for (String metric : metrics) {
            addSeries(chart, metric, arm, metric);
        }
        return chart;
    }

    private XYChart axes(String title, String yTitle) {
        XYChart chart = Charts.lines(title, "batch size (log scale)", yTitle);
        chart.setCustomXAxisTickLabelsFormatter(BatchSizeResults::powerOfTwo);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Horizontal);
        return chart;
    }

    /** x is log₂ of the batch size: label whole powers of two with the batch size, nothing in between. */
    static String powerOfTwo(double log2) {
        double r = Math.rint(log2);
        return Math.abs(log2 - r) < 1e-9 ? Long.toString(Math.round(Math.pow(2, r))) : "";
    }

    private void addSeries(XYChart chart, String label, String arm, String metric) {
        List<double[]> points = new ArrayList<>();
        for (int b : batchSizes(arm)) {
            if (!has(arm, b, metric)) {
                continue;
            }
            Summary s = summary(arm, b, metric);
            if (!Double.isNaN(s.mean())) {
                points.add(new double[] {Math.log(b) / Math.log(2), s.mean(), Math.max(s.max() - s.mean(), s.mean() - s.min())});
            }
        }
        if (points.isEmpty()) {
            return;
        }
        chart.addSeries(label, points.stream().mapToDouble(p -> p[0]).toArray(),
                points.stream().mapToDouble(p -> p[1]).toArray(), points.stream().mapToDouble(p -> p[2]).toArray())
                .setMarker(SeriesMarkers.CIRCLE);
    }

    /** One row per arm, one column per batch size: "mean ± sd" of {@code metric} over the seeds ("–" where not trained). */
    public Table table(String metric) {
        List<String> measuredArms = arms.stream()
                .filter(a -> Arrays.stream(batchSizes()).anyMatch(b -> has(a, b, metric))).toList();
        Table t = Table.create(metric + " by batch size, mean ± sd over " + seeds + " seeds",
                StringColumn.create("arm", measuredArms));
        for (int b : batchSizes()) {
            List<String> cells = new ArrayList<>();
            for (String arm : measuredArms) {
                cells.add(has(arm, b, metric) ? cell(summary(arm, b, metric)) : "–");
            }
            t.addColumns(StringColumn.create("b = " + b, cells));
        }
        return t;
    }

    private static String cell(Summary s) {
        if (s.runs() == s.diverged()) {
            return "diverged";
        }
        return String.format(Locale.ROOT, "%.3f ± %.3f%s", s.mean(), Double.isNaN(s.sd()) ? 0 : s.sd(),
                s.diverged() > 0 ? " (" + s.diverged() + " diverged)" : "");
    }

    /** {@link #table} as HTML with its title, for {@code render(..., "text/html")}. */
    public String html(String metric) {
        return Tables.html(table(metric));
    }

    /** How long the sweep took to train, in seconds (wall clock). */
    public double seconds() {
        return seconds;
    }

    /**
     * One line saying what each run did, e.g. "each run: 1 pass over the same 12,288 training
     * images at every batch size (12,288 examples), lr = 1.0 · b/256 (linear scaling), ...";
     * the passes per batch size where they differ, and each arm's rule where they differ.
     */
    public String describe() {
        int runs = bySize.values().stream().mapToInt(r -> r.runs().size()).sum();
        String budget;
        if (passes.values().stream().distinct().count() <= 1) {
            int e = passes.isEmpty() ? 0 : passes.values().iterator().next();
            budget = String.format(Locale.ROOT, "%d pass%s over the same %,d training images at every batch size "
                    + "(%,d examples)", e, e == 1 ? "" : "es", trainImages, (long) e * trainImages);
        } else {
            budget = String.format(Locale.ROOT, "passes over the same %,d training images by batch size %s",
                    trainImages, passes.toString().replace("=", ": "));
        }
        String lr = rates.values().stream().distinct().count() <= 1 && !rates.isEmpty()
                ? rates.values().iterator().next().toString()
                : rates.entrySet().stream().map(e -> e.getKey() + " " + e.getValue().toString().replace(" (linear scaling)", ""))
                        .collect(java.util.stream.Collectors.joining(", ", "learning rates: ", ""));
        return String.format(Locale.ROOT, "each run: %s, %s, tested on %,d images; batch sizes %s; %d arms × %d seeds, "
                        + "%d runs in %.0f s", budget, lr, testImages, Arrays.toString(batchSizes()), arms.size(), seeds,
                runs, seconds());
    }

    private void checkArm(String arm) {
        if (!arms.contains(arm)) {
            throw new IllegalArgumentException("no arm named '" + arm + "'; the arms are " + arms);
        }
    }

    private static String key(String arm, int b) {
        return arm + "@" + b;
    }

    @Override
    public String toString() {
        return describe();
    }
}
