package bnlab.experiments;

import bnlab.nn.LeNet;
import bnlab.viz.Charts;
import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * "How large can the learning rate be before the optimization fails?" (d2l's exercise), asked of
 * several networks at once. Every network ("series") trains from every seed at every learning
 * rate of a coarse grid; then, for each series, the grid is refined on the 1-3-10 scale (half decades, 3 ≈ √10) between
 * the largest coarse rate at which some seed still trains and the next coarse rate (e.g. 3 between
 * 1 and 10), so steps are spent only where the series starts to fail. A run fails by a
 * {@link FailureCriterion} fixed before the runs; a diverged run stops at its first non-finite loss.
 * <pre>{@code
 * RateSweep sweep = RateSweep.of(() -> Experiment.on(data).epochs(8).seeds(1, 2, 3).xavierInit())
 *         .series("with batch norm", "BN", LeNet.builder())
 *         .series("without batch norm", "no BN", LeNet.builder().noBatchNorm())
 *         .run(0.01, 0.1, 1, 10, 100);
 * sweep.largestThatTrains("with batch norm", 1);   // per seed
 * }</pre>
 * Arms are named "PREFIX, lr X" (e.g. "BN, lr 1.0"), so other experiments can reuse them.
 */
public final class RateSweep {

    private final Supplier<Experiment> experiment;
    private final FailureCriterion criterion;
    private final Map<String, String> prefixes = new LinkedHashMap<>();
    private final Map<String, LeNet.Builder> networks = new LinkedHashMap<>();
    private Results results;
    private double[] coarse;

    private RateSweep(Supplier<Experiment> experiment, FailureCriterion criterion) {
        this.experiment = experiment;
        this.criterion = criterion;
    }

    /** A sweep whose runs are configured by {@code experiment} (data, epochs, seeds, initialization). */
    public static RateSweep of(Supplier<Experiment> experiment) {
        return of(experiment, FailureCriterion.STANDARD);
    }

    public static RateSweep of(Supplier<Experiment> experiment, FailureCriterion criterion) {
        return new RateSweep(experiment, criterion);
    }

    /** A network to sweep: its series name, the prefix of its arms' names, and its builder. */
    public RateSweep series(String series, String armPrefix, LeNet.Builder network) {
        prefixes.put(series, armPrefix);
        networks.put(series, network);
        return this;
    }

    /** Trains the coarse grid, then the refinement of every series; returns this sweep. */
    public RateSweep run(double... coarseRates) {
        if (prefixes.isEmpty()) {
            throw new IllegalStateException("add a network with series(name, prefix, builder) before run()");
        }
        if (coarseRates.length < 2) {
            throw new IllegalArgumentException("a sweep needs at least 2 learning rates, got " + coarseRates.length);
        }
        coarse = coarseRates.clone();
        Arrays.sort(coarse);
        Experiment first = experiment.get();
        for (String s : prefixes.keySet()) {
            for (double lr : coarse) {
                first.arm(armName(s, lr), s, lr, networks.get(s), lr);
            }
        }
        results = first.runQuietly();
        Experiment second = experiment.get();
        int added = 0;
        for (String s : prefixes.keySet()) {
            for (double lr : refinement(s)) {
                second.arm(armName(s, lr), s, lr, networks.get(s), lr);
                added++;
            }
        }
        if (added > 0) {
            results = results.with(second.runQuietly());
        }
        // one file and one line for both rounds, as Experiment.run() gives one experiment
        results.save();
        System.out.println(results.budgetLine());
        return this;
    }

    /** "BN, lr 1.0": the arm of {@code series} at learning rate {@code lr}. */
    public String armName(String series, double lr) {
        return prefixes.get(series) + ", lr " + format(lr);
    }

    /**
     * The 1-3-10 rates strictly between the largest coarse rate at which some seed of
     * {@code series} trains and the next coarse rate (none when no seed fails at the top of the
     * grid, or none trains at all).
     */
    public double[] refinement(String series) {
        requireRun();
        double largest = Double.NaN;
        for (double lr : coarse) {
            if (results.runs(armName(series, lr)).stream().anyMatch(criterion::trains)) {
                largest = lr;
            }
        }
        int i = Arrays.binarySearch(coarse, largest);
        if (Double.isNaN(largest) || i == coarse.length - 1) {
            return new double[0];
        }
        return between(largest, coarse[i + 1]);
    }

    /** The rates of the 1-3-10 scale strictly between {@code low} and {@code high}, e.g. 3 between 1 and 10. */
    static double[] between(double low, double high) {
        List<Double> between = new ArrayList<>();
        for (double decade = Math.pow(10, Math.floor(Math.log10(low)) - 1); decade < high; decade *= 10) {
            for (double m : new double[] {1, 3}) {
                double lr = Double.parseDouble(String.format(Locale.ROOT, "%.6g", m * decade));
                if (lr > low * 1.0000001 && lr < high / 1.0000001) {
                    between.add(lr);
                }
            }
        }
        return between.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Every run of the sweep (coarse and refined). */
    public Results results() {
        requireRun();
        return results;
    }

    public FailureCriterion criterion() {
        return criterion;
    }

    /** The learning rates {@code series} was trained at, in increasing order. */
    public double[] rates(String series) {
        requireRun();
        TreeSet<Double> rates = new TreeSet<>();
        results.arms().stream().filter(a -> a.series().equals(series)).forEach(a -> rates.add(a.x()));
        if (rates.isEmpty()) {
            throw new IllegalArgumentException("no series '" + series + "'; the series are " + prefixes.keySet());
        }
        return rates.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private Run run(String series, double lr, long seed) {
        return results.runs(armName(series, lr)).stream()
                .filter(r -> r.seed() == seed)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no run of '" + series + "' with seed " + seed));
    }

    /** The seeds of the sweep, in order. */
    public long[] seeds() {
        requireRun();
        return results.runs().stream().mapToLong(Run::seed).distinct().toArray();
    }

    /** The largest learning rate at which seed {@code seed} of {@code series} trains (NaN if none does). */
    public double largestThatTrains(String series, long seed) {
        double largest = Double.NaN;
        for (double lr : rates(series)) {
            if (criterion.trains(run(series, lr, seed))) {
                largest = lr;
            }
        }
        return largest;
    }

    /** The learning rate with the lowest final training loss for seed {@code seed} of {@code series} (NaN if none trains). */
    public double best(String series, long seed) {
        double best = Double.NaN;
        double bestLoss = Double.POSITIVE_INFINITY;
        for (double lr : rates(series)) {
            Run r = run(series, lr, seed);
            if (criterion.trains(r) && r.last("loss") < bestLoss) {
                bestLoss = r.last("loss");
                best = lr;
            }
        }
        return best;
    }

    /** The smallest rate above {@link #largestThatTrains} (where this seed failed; NaN if none), and why. */
    public String firstFailureAbove(String series, long seed) {
        double largest = largestThatTrains(series, seed);
        for (double lr : rates(series)) {
            if (lr > largest || Double.isNaN(largest)) {
                String why = criterion.failure(run(series, lr, seed));
                if (why != null) {
                    return "lr " + format(lr) + ": " + why;
                }
            }
        }
        return "none up to lr " + format(rates(series)[rates(series).length - 1]);
    }

    /**
     * One row per series and seed: the largest learning rate that trains, the best one (lowest
     * final training loss) with that loss and accuracy, and the first failure above the largest.
     */
    public Table table() {
        requireRun();
        StringColumn series = StringColumn.create("network");
        LongColumn seed = LongColumn.create("seed");
        DoubleColumn largest = DoubleColumn.create("largest lr that trains");
        DoubleColumn best = DoubleColumn.create("best lr");
        DoubleColumn loss = DoubleColumn.create("final loss at best lr");
        DoubleColumn acc = DoubleColumn.create("train acc at best lr");
        StringColumn fails = StringColumn.create("first failure above");
        for (String s : prefixes.keySet()) {
            for (long sd : seeds()) {
                series.append(s);
                seed.append(sd);
                largest.append(largestThatTrains(s, sd));
                double b = best(s, sd);
                best.append(b);
                loss.append(Double.isNaN(b) ? Double.NaN : run(s, b, sd).last("loss"));
                acc.append(Double.isNaN(b) ? Double.NaN : run(s, b, sd).last("train acc"));
                fails.append(firstFailureAbove(s, sd));
            }
        }
        loss.setPrintFormatter(tech.tablesaw.columns.numbers.NumberColumnFormatter.fixedWithGrouping(3));
        acc.setPrintFormatter(tech.tablesaw.columns.numbers.NumberColumnFormatter.fixedWithGrouping(3));
        return Table.create("Learning rates per network and seed", series, seed, largest, best, loss, acc, fails);
    }

    /**
     * The final training loss of every run against its learning rate (log-log), one colour per
     * series, a line through the median of the seeds; runs that diverged are drawn as crosses at
     * the top edge, and the failure threshold as a dashed line.
     */
    public XYChart figure(String title) {
        requireRun();
        XYChart chart = Charts.lines(title, "learning rate (log scale)", "final training loss (log scale)");
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(true);
        double top = 1.5
                * Math.max(
                        10,
                        results.runs().stream()
                                .mapToDouble(r -> r.last("loss"))
                                .filter(Double::isFinite)
                                .max()
                                .orElse(10));
        for (String s : prefixes.keySet()) {
            Color color = Charts.colour(s);
            double[] rates = rates(s);
            List<double[]> seeds = new ArrayList<>();
            List<double[]> diverged = new ArrayList<>();
            List<double[]> line = new ArrayList<>();
            for (double rate : rates) {
                double[] losses = results.runs(armName(s, rate)).stream()
                        .mapToDouble(r -> r.last("loss"))
                        .toArray();
                for (double l : losses) {
                    (Double.isFinite(l) ? seeds : diverged).add(new double[] {rate, Double.isFinite(l) ? l : top});
                }
                double[] sorted = losses.clone();
                Arrays.sort(sorted); // NaN sorts last: a median that needs a diverged run is not drawn
                double median = sorted[(sorted.length - 1) / 2];
                if (Double.isFinite(median)) {
                    line.add(new double[] {rate, median});
                }
            }
            if (!line.isEmpty()) {
                XYSeries m = chart.addSeries(s + ", median of the seeds", column(line, 0), column(line, 1));
                m.setMarker(SeriesMarkers.NONE);
                m.setLineColor(color);
            }
            scatter(chart, s + ", each seed", seeds, SeriesMarkers.CIRCLE, color);
            scatter(chart, s + ", diverged (drawn at the top)", diverged, SeriesMarkers.CROSS, color);
        }
        double[] all = results.arms().stream()
                .mapToDouble(Arm::x)
                .filter(Double::isFinite)
                .sorted()
                .toArray();
        XYSeries t = chart.addSeries(
                "failure: final loss ≥ ln 10",
                new double[] {all[0], all[all.length - 1]},
                new double[] {criterion.maxLoss(), criterion.maxLoss()});
        t.setMarker(SeriesMarkers.NONE);
        t.setLineColor(Color.GRAY);
        t.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
        return chart;
    }

    /** Points without a line, in {@code color}; nothing when there are none. */
    private static void scatter(
            XYChart chart,
            String name,
            List<double[]> points,
            org.knowm.xchart.style.markers.Marker marker,
            Color color) {
        if (points.isEmpty()) {
            return;
        }
        XYSeries p = chart.addSeries(name, column(points, 0), column(points, 1));
        p.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        p.setMarker(marker);
        p.setMarkerColor(color);
        p.setLineColor(color);
    }

    private static double[] column(List<double[]> points, int i) {
        return points.stream().mapToDouble(p -> p[i]).toArray();
    }

    private void requireRun() {
        if (results == null) {
            throw new IllegalStateException("the sweep has not run yet: call run(rates...) first");
        }
    }

    /** 0.01, 0.1, 1.0, 2.0, 10.0, 100.0: as Java prints a double, so arm names read as in the earlier notebooks. */
    static String format(double lr) {
        return Double.toString(lr);
    }
}
