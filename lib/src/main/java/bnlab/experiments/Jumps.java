package bnlab.experiments;

import java.util.function.ToDoubleFunction;

/**
 * How much a per-epoch measurement (e.g. the test accuracy) jumps from one epoch to the next,
 * <em>net of its trend</em>, so that steady learning progress does not count as jumping.
 *
 * <p>Take the values v<sub>e</sub> of epochs e = from, …, n (1-based: the epochs after the
 * plateau). Every epoch with a neighbour on each side inside that range, from &lt; e &lt; n, is
 * compared with the straight line through its two neighbours:
 * <pre>
 *   r_e  = v_e − (v_{e−1} + v_{e+1}) / 2                  (the residual around the local trend)
 *   jump = √( Σ r_e² / (1.5 · m) )                        (m residuals)
 * </pre>
 * If v<sub>e</sub> = trend<sub>e</sub> + ε<sub>e</sub> with a trend that is straight over any
 * three epochs and independent swings ε of standard deviation σ, then E[r<sub>e</sub>²] =
 * σ² (1 + ¼ + ¼) = 1.5 σ², so {@code jump} estimates σ: the typical size of one epoch's swing
 * around the trend, in the measurement's own units. A steady climb counts 0 (the old mean of
 * |v<sub>e</sub> − v<sub>e−1</sub>| counted it in full); a curve that bends slowly counts little
 * (a bend of c per epoch² adds c/2 to every residual). It needs at least three epochs in the
 * range. {@link #largestDrop} is the plain complement for a reader: the largest fall from one
 * epoch to the next in the range.
 *
 * <p>As a per-run measurement it plugs into {@link Results#summary(String, ToDoubleFunction)} and
 * {@link Results#paired(String, String, ToDoubleFunction)}:
 * <pre>{@code
 * Summary s = results.summary("BN", Jumps.of("test acc", 3));
 * Paired d = results.paired("conv layers only", "BN", Jumps.of("test acc", 3));
 * }</pre>
 * Notebooks 6 (§3, where the batch norms sit) and 7 (why the test accuracy jumps) use it.
 */
public final class Jumps implements ToDoubleFunction<Run> {

    /** E[r²] / σ² for independent swings around a locally straight trend. */
    static final double RESIDUAL_VARIANCE_FACTOR = 1.5;

    private final String metric;
    private final int from;

    private Jumps(String metric, int from) {
        if (from < 1) {
            throw new IllegalArgumentException("epochs count from 1, got from = " + from);
        }
        this.metric = metric;
        this.from = from;
    }

    /** The jump of {@code metric} ("test acc", or a measurement the experiment added) from epoch {@code from} on. */
    public static Jumps of(String metric, int from) {
        return new Jumps(metric, from);
    }

    /** The jump of one run (NaN if it diverged); see the class comment for the formula. */
    @Override
    public double applyAsDouble(Run run) {
        return run.diverged() ? Double.NaN : aroundTrend(run.values(metric), from);
    }

    /**
     * √(Σ r_e² / (1.5 m)) over the epochs from &lt; e &lt; n of {@code values} (value of epoch e
     * at index e − 1), r_e = v_e − (v_{e−1} + v_{e+1}) / 2.
     */
    public static double aroundTrend(double[] values, int from) {
        int n = values.length;
        if (from < 1 || n - from + 1 < 3) {
            throw new IllegalArgumentException(
                    "jumps around the trend need at least 3 epochs from epoch " + from + ", got "
                            + Math.max(0, n - from + 1) + " (" + n + " epochs in all): train longer or start earlier");
        }
        double sum = 0;
        int m = 0;
        for (int e = from + 1; e < n; e++) { // 1-based epoch e is values[e - 1]
            double r = values[e - 1] - (values[e - 2] + values[e]) / 2;
            sum += r * r;
            m++;
        }
        return Math.sqrt(sum / (RESIDUAL_VARIANCE_FACTOR * m));
    }

    /** The largest fall v_{e−1} − v_e over the epochs from &lt; e ≤ n (0 if the values never fall). */
    public static double largestDrop(double[] values, int from) {
        if (from < 1 || values.length - from + 1 < 2) {
            throw new IllegalArgumentException("a drop needs at least 2 epochs from epoch " + from + ", got "
                    + Math.max(0, values.length - from + 1));
        }
        double drop = 0;
        for (int e = from + 1; e <= values.length; e++) {
            drop = Math.max(drop, values[e - 2] - values[e - 1]);
        }
        return drop;
    }

    /** The largest drop of {@code metric} from epoch {@code from} on, as a per-run measurement. */
    public static ToDoubleFunction<Run> largestDrop(String metric, int from) {
        return run -> run.diverged() ? Double.NaN : largestDrop(run.values(metric), from);
    }

    /**
     * One row per arm of {@code results}: for each of {@code metrics}, the jump around the trend
     * from epoch {@code from} on, as the mean over the seeds and the lowest and highest seed.
     */
    public static tech.tablesaw.api.Table table(Results results, int from, String... metrics) {
        var table = tech.tablesaw.api.Table.create(
                "Jumps around the trend from epoch " + from + ", over seeds",
                tech.tablesaw.api.StringColumn.create(
                        "arm", results.arms().stream().map(Arm::name).toList()));
        for (String metric : metrics) {
            java.util.List<Summary> s = results.arms().stream()
                    .map(a -> results.summary(a.name(), of(metric, from)))
                    .toList();
            table.addColumns(
                    column(
                            metric + ": jump",
                            s.stream().mapToDouble(Summary::mean).toArray()),
                    column(
                            metric + ": lowest seed",
                            s.stream().mapToDouble(Summary::min).toArray()),
                    column(
                            metric + ": highest seed",
                            s.stream().mapToDouble(Summary::max).toArray()));
        }
        return table;
    }

    private static tech.tablesaw.api.DoubleColumn column(String name, double[] values) {
        var c = tech.tablesaw.api.DoubleColumn.create(name, values);
        c.setPrintFormatter(tech.tablesaw.columns.numbers.NumberColumnFormatter.fixedWithGrouping(3));
        return c;
    }

    @Override
    public String toString() {
        return "jump of " + metric + " around its trend from epoch " + from;
    }
}
