package bnlab.experiments;

import bnlab.viz.Charts;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The figures of {@link Results} (and of {@link BatchSizeResults}). Wherever seeds are
 * summarized, a line goes through their mean and a bar spans the lowest to the highest seed
 * ({@link #spread}): the bar shows every seed's value and never leaves the metric's range.
 */
final class ResultCharts {

    private ResultCharts() {}

    /**
     * Adds one line of summaries against x: the means, bars from min to max; points where every
     * run diverged (no mean) are left out. {@code colourKey} names the thing drawn (an arm, a
     * measurement), which keeps its colour in every figure of the notebook.
     */
    static void spread(XYChart chart, String label, String colourKey, double[] x, List<Summary> at) {
        List<Integer> keep = IntStream.range(0, x.length)
                .filter(i -> !Double.isNaN(at.get(i).mean()))
                .boxed()
                .toList();
        if (keep.isEmpty()) {
            return;
        }
        Charts.addRange(
                chart,
                label,
                colourKey,
                keep.stream().mapToDouble(i -> x[i]).toArray(),
                keep.stream().mapToDouble(i -> at.get(i).mean()).toArray(),
                keep.stream().mapToDouble(i -> at.get(i).min()).toArray(),
                keep.stream().mapToDouble(i -> at.get(i).max()).toArray());
    }

    /** {@code metric} against the epoch, one line per arm. */
    static XYChart curves(Results r, String metric, String title) {
        XYChart chart = Charts.lines(title, "epoch", metric);
        for (Arm arm : r.arms()) {
            List<Summary> s = r.epochSummaries(arm.name(), metric);
            if (!s.isEmpty()) {
                spread(
                        chart,
                        arm.name() + " (" + r.finished(arm.name()).size() + " seeds)",
                        arm.name(),
                        epochs(s.size()),
                        s);
            }
        }
        epochAxis(chart);
        return chart;
    }

    /** Several measurements of one arm against the epoch, one line per measurement. */
    static XYChart measurements(Results r, String arm, String title, String yTitle, String... metrics) {
        XYChart chart = Charts.lines(title, "epoch", yTitle);
        for (String metric : metrics) {
            List<Summary> s = r.epochSummaries(arm, metric);
            spread(chart, metric, metric, epochs(s.size()), s);
        }
        epochAxis(chart);
        return chart;
    }

    /** Several measurements of one run (one seed) against the epoch, one line each. */
    static XYChart measurements(Results r, String arm, long seed, String title, String yTitle, String... metrics) {
        Run run = r.runs(arm).stream()
                .filter(x -> x.seed() == seed)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("arm '" + arm + "' has no run with seed " + seed));
        XYChart chart = Charts.lines(title, "epoch", yTitle);
        int n = run.history() == null ? 0 : run.history().epochs().size();
        for (String metric : metrics) {
            chart.addSeries(metric, epochs(n), Arrays.copyOf(Metrics.values(run.history(), metric), n))
                    .setMarker(SeriesMarkers.CIRCLE);
        }
        epochAxis(chart);
        return chart;
    }

    /** The last epoch's {@code metric} against each arm's x, one line per series. */
    static XYChart sweep(Results r, String metric, String title, String xTitle, boolean logX) {
        XYChart chart = Charts.lines(title, xTitle, metric);
        chart.getStyler().setXAxisLogarithmic(logX);
        Map<String, List<Arm>> bySeries = r.arms().stream()
                .filter(a -> Double.isFinite(a.x()))
                .collect(Collectors.groupingBy(Arm::series, LinkedHashMap::new, Collectors.toList()));
        for (var e : bySeries.entrySet()) {
            double[] x = e.getValue().stream().mapToDouble(Arm::x).toArray();
            List<Summary> s = new ArrayList<>();
            for (Arm a : e.getValue()) {
                s.add(r.summary(a.name(), metric));
            }
            spread(chart, e.getKey(), e.getKey(), x, s);
        }
        return chart;
    }

    static double[] epochs(int n) {
        return IntStream.rangeClosed(1, n).asDoubleStream().toArray();
    }

    /** Epochs are whole numbers: label them so. */
    private static void epochAxis(XYChart chart) {
        chart.getStyler().setXAxisDecimalPattern("0");
    }
}
