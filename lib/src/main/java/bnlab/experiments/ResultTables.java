package bnlab.experiments;

import java.util.List;
import java.util.Locale;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;

/** The tables of {@link Results} (and of {@link BatchSizeResults}): summaries over the seeds. */
final class ResultTables {

    private ResultTables() {}

    /** One row per arm: runs, diverged runs, and the last epoch's {@code metric} as mean, sd, min and max. */
    static Table summaries(Results r, String metric) {
        List<Summary> s =
                r.arms().stream().map(a -> r.summary(a.name(), metric)).toList();
        return Table.create(
                metric + " after the last epoch, over seeds",
                StringColumn.create("arm", s.stream().map(Summary::arm).toList()),
                IntColumn.create("runs", s.stream().mapToInt(Summary::runs).toArray()),
                IntColumn.create(
                        "diverged", s.stream().mapToInt(Summary::diverged).toArray()),
                column("mean", s.stream().mapToDouble(Summary::mean).toArray()),
                column("sd", s.stream().mapToDouble(Summary::sd).toArray()),
                column("min", s.stream().mapToDouble(Summary::min).toArray()),
                column("max", s.stream().mapToDouble(Summary::max).toArray()));
    }

    /** One row per arm: the means of the last epoch's {@code a} and {@code b}, and their per-seed difference. */
    static Table gaps(Results r, String a, String b) {
        List<Arm> arms = r.arms();
        List<Summary> d = arms.stream().map(x -> r.difference(x.name(), a, b)).toList();
        return Table.create(
                a + " − " + b + " after the last epoch, over seeds",
                StringColumn.create("arm", arms.stream().map(Arm::name).toList()),
                column(a, arms.stream().mapToDouble(x -> r.mean(x.name(), a)).toArray()),
                column(b, arms.stream().mapToDouble(x -> r.mean(x.name(), b)).toArray()),
                column("gap mean", d.stream().mapToDouble(Summary::mean).toArray()),
                column("gap sd", d.stream().mapToDouble(Summary::sd).toArray()));
    }

    /** Per epoch, over the seeds of {@code arm}: the mean of each measurement. */
    static Table perEpoch(Results r, String arm, String... metrics) {
        int seeds = r.finished(arm).size();
        List<List<Summary>> perMetric = java.util.Arrays.stream(metrics)
                .map(m -> r.epochSummaries(arm, m))
                .toList();
        int n = perMetric.isEmpty() ? 0 : perMetric.get(0).size();
        Table t = Table.create(
                arm + ": means over " + seeds + " seeds",
                IntColumn.create(
                        "epoch", java.util.stream.IntStream.rangeClosed(1, n).toArray()));
        for (int i = 0; i < metrics.length; i++) {
            t.addColumns(column(
                    metrics[i],
                    perMetric.get(i).stream().mapToDouble(Summary::mean).toArray()));
        }
        return t;
    }

    /**
     * Rows × columns of cells "mean ± sd" of a metric (a batch-size table: arms by batch size),
     * "–" where a cell was not trained; {@code cells[i][j]} null for "–".
     */
    static Table grid(String title, String rowTitle, List<String> rows, List<String> columns, Summary[][] cells) {
        Table t = Table.create(title, StringColumn.create(rowTitle, rows));
        for (int j = 0; j < columns.size(); j++) {
            String[] c = new String[rows.size()];
            for (int i = 0; i < rows.size(); i++) {
                c[i] = cells[i][j] == null ? "–" : cell(cells[i][j]);
            }
            t.addColumns(StringColumn.create(columns.get(j), c));
        }
        return t;
    }

    /** "0.842 ± 0.012", "diverged", or "0.842 ± 0.012 (1 diverged)". */
    static String cell(Summary s) {
        if (s.runs() == s.diverged()) {
            return "diverged";
        }
        return String.format(
                Locale.ROOT,
                "%.3f ± %.3f%s",
                s.mean(),
                Double.isNaN(s.sd()) ? 0 : s.sd(),
                s.diverged() > 0 ? " (" + s.diverged() + " diverged)" : "");
    }

    static DoubleColumn column(String name, double[] values) {
        DoubleColumn c = DoubleColumn.create(name, values);
        c.setPrintFormatter(NumberColumnFormatter.fixedWithGrouping(3));
        return c;
    }
}
