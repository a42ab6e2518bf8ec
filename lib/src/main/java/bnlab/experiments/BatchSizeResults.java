package bnlab.experiments;

import bnlab.train.Classifier;
import bnlab.viz.Charts;
import bnlab.viz.Tables;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntFunction;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.Table;

/**
 * What a {@link BatchSizeSweep} measured: for every batch size, the {@link Results} of its
 * experiment, plus measurements taken after training (e.g. the test accuracy with each test
 * batch normalized by its own statistics), which those results keep beside their runs. A metric is
 * "loss", "train acc", "test acc" (the last epoch's, as in {@link Results}) or the name of an
 * after-training measurement. Statistics come from {@link Results}, tables from
 * {@link ResultTables}, figures from {@link ResultCharts}: this class only arranges them by batch size.
 */
public final class BatchSizeResults {

    private final String name;
    private final Map<Integer, Results> bySize;
    private final List<String> arms;
    /** arm → how its learning rate follows the batch size. */
    private final Map<String, ScaledLearningRate> rates;

    private final int seeds;
    private final Set<String> afterTraining = new LinkedHashSet<>();

    BatchSizeResults(
            String name,
            Map<Integer, Results> bySize,
            List<String> arms,
            Map<String, ScaledLearningRate> rates,
            int seeds) {
        this.name = name;
        this.bySize = new TreeMap<>(bySize);
        this.arms = List.copyOf(arms);
        this.rates = new java.util.LinkedHashMap<>(rates);
        this.seeds = seeds;
    }

    /**
     * These runs and {@code others}' together (e.g. new arms beside a batch norm trained before),
     * which must come from the same data and seeds, with the same passes at every batch size both
     * trained; each arm keeps its own learning-rate rule.
     */
    public BatchSizeResults with(BatchSizeResults others) {
        Budget mine = anyBudget();
        Budget theirs = others.anyBudget();
        boolean samePasses = bySize.keySet().stream()
                .filter(others.bySize::containsKey)
                .allMatch(b -> passes(b) == others.passes(b));
        if (!samePasses
                || mine.trainImages() != theirs.trainImages()
                || mine.testImages() != theirs.testImages()
                || others.seeds != seeds) {
            throw new IllegalArgumentException(
                    "cannot combine sweeps of different settings: " + describe() + " vs " + others.describe());
        }
        for (String a : others.arms) {
            if (arms.contains(a)) {
                throw new IllegalArgumentException("both sweeps have an arm named '" + a + "'");
            }
        }
        Map<Integer, Results> merged = new TreeMap<>(bySize);
        others.bySize.forEach((b, r) -> merged.merge(b, r, Results::with));
        List<String> allArms = new ArrayList<>(arms);
        allArms.addAll(others.arms);
        Map<String, ScaledLearningRate> allRates = new java.util.LinkedHashMap<>(rates);
        allRates.putAll(others.rates);
        BatchSizeResults m = new BatchSizeResults(name, merged, allArms, allRates, seeds);
        m.afterTraining.addAll(afterTraining);
        m.afterTraining.addAll(others.afterTraining);
        return m;
    }

    private Budget anyBudget() {
        return bySize.values().iterator().next().budget();
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
                .mapToInt(Map.Entry::getKey)
                .toArray();
    }

    public List<String> arms() {
        return arms;
    }

    /** The experiment at batch size b, with all of {@link Results}' tables and figures. */
    public Results at(int b) {
        Results r = bySize.get(b);
        if (r == null) {
            throw new IllegalArgumentException(
                    "no runs at batch size " + b + "; the batch sizes are " + Arrays.toString(batchSizes()));
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
        return sharedRate().at(b);
    }

    private ScaledLearningRate sharedRate() {
        if (rates.values().stream().distinct().count() > 1) {
            throw new IllegalStateException(
                    "the arms follow different learning-rate rules " + rates + ": ask learningRate(arm, b)");
        }
        return rates.values().iterator().next();
    }

    /** How many passes over the training images the runs at batch size b made. */
    public int passes(int b) {
        return at(b).budget().epochs();
    }

    /** How many steps each run at batch size b took. */
    public long steps(int b) {
        return at(b).budget().steps();
    }

    /**
     * Measures every trained network of {@code arm} at every batch size with {@code measurement.apply(b)}
     * (e.g. {@code b -> withBatchStatistics(test, b)}), and keeps the values under {@code name}
     * (the sweep's CSV file gets a column for it).
     */
    public BatchSizeResults measureAfterTraining(
            String name, String arm, IntFunction<ToDoubleFunction<Classifier>> measurement) {
        checkArm(arm);
        for (int b : batchSizes(arm)) {
            at(b).keepAfterTraining(name, arm, at(b).measured(arm, measurement.apply(b)));
        }
        afterTraining.add(name);
        save();
        return this;
    }

    /** {@code metric} of each seed's run of {@code arm} at batch size b (NaN where it diverged). */
    public double[] values(String arm, int b, String metric) {
        if (afterTraining.contains(metric) && !at(b).measuredAfterTraining(metric, arm)) {
            throw new IllegalArgumentException("'" + metric + "' was not measured for " + arm + " at batch size " + b);
        }
        return at(b).last(arm, metric);
    }

    /** Whether {@code arm} was trained at batch size b and, for an after-training measurement, measured there. */
    public boolean has(String arm, int b, String metric) {
        if (!bySize.containsKey(b) || Arrays.stream(batchSizes(arm)).noneMatch(x -> x == b)) {
            return false;
        }
        return !afterTraining.contains(metric) || at(b).measuredAfterTraining(metric, arm);
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
     * mean over the seeds with bars from the lowest to the highest seed.
     */
    public XYChart chart(String metric, String title, String... arms) {
        XYChart chart = axes(title, metric + ", mean of " + seeds + " seeds");
        for (String arm : arms.length == 0 ? this.arms : List.of(arms)) {
            addSeries(chart, arm, arm, arm, metric);
        }
        return chart;
    }

    /** Several measurements of one arm against the batch size (log scale), mean over seeds with bars from lowest to highest. */
    public XYChart measurements(String arm, String title, String yTitle, String... metrics) {
        XYChart chart = axes(title, yTitle);
        for (String metric : metrics) {
            addSeries(chart, metric, metric, arm, metric);
        }
        return chart;
    }

    private XYChart axes(String title, String yTitle) {
        XYChart chart = Charts.lines(title, "batch size (log scale)", yTitle);
        chart.getStyler().setXAxisLogarithmic(true);
        return chart;
    }

    /**
     * For an axis of log₂ of the batch size: whole powers of two labelled with the batch size,
     * nothing in between. (Charts with {@code setXAxisLogarithmic(true)} need none of this:
     * {@link Charts#image} labels every tick.)
     */
    static String powerOfTwo(double log2) {
        double r = Math.rint(log2);
        return Math.abs(log2 - r) < 1e-9 ? Long.toString(Math.round(Math.pow(2, r))) : "";
    }

    private void addSeries(XYChart chart, String label, String colourKey, String arm, String metric) {
        int[] sizes =
                Arrays.stream(batchSizes(arm)).filter(b -> has(arm, b, metric)).toArray();
        ResultCharts.spread(
                chart,
                label,
                colourKey,
                Arrays.stream(sizes).asDoubleStream().toArray(),
                Arrays.stream(sizes).mapToObj(b -> summary(arm, b, metric)).toList());
    }

    /** One row per arm, one column per batch size: "mean ± sd" of {@code metric} over the seeds ("–" where not trained). */
    public Table table(String metric) {
        List<String> measuredArms = arms.stream()
                .filter(a -> Arrays.stream(batchSizes()).anyMatch(b -> has(a, b, metric)))
                .toList();
        int[] sizes = batchSizes();
        Summary[][] cells = new Summary[measuredArms.size()][sizes.length];
        for (int i = 0; i < measuredArms.size(); i++) {
            for (int j = 0; j < sizes.length; j++) {
                String arm = measuredArms.get(i);
                cells[i][j] = has(arm, sizes[j], metric) ? summary(arm, sizes[j], metric) : null;
            }
        }
        return ResultTables.grid(
                metric + " by batch size, mean ± sd over " + seeds + " seeds",
                "arm",
                measuredArms,
                Arrays.stream(sizes).mapToObj(b -> "b = " + b).toList(),
                cells);
    }

    /** {@link #table} as HTML with its title, for {@code render(..., "text/html")}. */
    public String html(String metric) {
        return Tables.html(table(metric));
    }

    /** How long the sweep took to train, in seconds (wall clock). */
    public double seconds() {
        return bySize.values().stream().mapToDouble(r -> r.budget().seconds()).sum();
    }

    private int runs() {
        return bySize.values().stream().mapToInt(r -> r.runs().size()).sum();
    }

    private int loaded() {
        return bySize.values().stream().mapToInt(Results::loaded).sum();
    }

    /**
     * One line saying what each run did, e.g. "each run: 1 pass over the same 16,384 training
     * images, ..."; the passes by batch size where they differ, each arm's rule where they differ.
     */
    public String describe() {
        Budget b = anyBudget();
        String budget;
        if (Arrays.stream(batchSizes()).map(this::passes).distinct().count() <= 1) {
            budget = String.format(
                    Locale.ROOT,
                    "%d pass%s over the same %,d training images at every batch size " + "(%,d examples)",
                    b.epochs(),
                    b.epochs() == 1 ? "" : "es",
                    b.trainImages(),
                    (long) b.epochs() * b.trainImages());
        } else {
            budget = String.format(
                    Locale.ROOT,
                    "passes over the same %,d training images by batch size %s",
                    b.trainImages(),
                    Arrays.stream(batchSizes())
                            .mapToObj(x -> x + ": " + passes(x))
                            .collect(java.util.stream.Collectors.joining(", ", "{", "}")));
        }
        String lr = rates.values().stream().distinct().count() <= 1
                ? sharedRate().toString()
                : rates.entrySet().stream()
                        .map(e -> e.getKey() + " " + e.getValue().toString().replace(" (linear scaling)", ""))
                        .collect(java.util.stream.Collectors.joining(", ", "learning rates: ", ""));
        return String.format(
                Locale.ROOT,
                "each run: %s, %s, tested on %,d images; batch sizes %s; %d arms × %d seeds, "
                        + "%d runs: trained %d, loaded %d from the run cache, in %.0f s",
                budget,
                lr,
                b.testImages(),
                Arrays.toString(batchSizes()),
                arms.size(),
                seeds,
                runs(),
                runs() - loaded(),
                loaded(),
                seconds());
    }

    /** The line {@link BatchSizeSweep#run()} prints: what was trained and loaded, the steps per batch size, the file. */
    String budgetLine() {
        int[] sizes = batchSizes();
        Budget small = at(sizes[0]).budget();
        Budget large = at(sizes[sizes.length - 1]).budget();
        String each = sizes.length == 1 ? small.each() : Budget.eachAcross(small, large);
        return Budget.line(name, runs() - loaded(), loaded(), each, ResultsFolder.shown(csvFile()));
    }

    /** Where {@link #save()} writes: {@code build/results/NOTEBOOK/NAME.csv}. */
    public Path csvFile() {
        return ResultsFolder.csv(name);
    }

    /** Writes every run at every batch size to {@link #csvFile()}, one file (see {@link Results#save()}). */
    public Path save() {
        return ResultsCsv.write(new ArrayList<>(bySize.values()), csvFile());
    }

    private void checkArm(String arm) {
        if (!arms.contains(arm)) {
            throw new IllegalArgumentException("no arm named '" + arm + "'; the arms are " + arms);
        }
    }

    @Override
    public String toString() {
        return describe();
    }
}
