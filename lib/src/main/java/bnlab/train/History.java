package bnlab.train;

import bnlab.viz.Tables;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;

/**
 * What a training run measured: one {@link EpochResult} per epoch, plus the running training
 * loss and accuracy a few times per epoch for the curves (the points d2l's {@code Animator}
 * plots). Printing a history gives d2l's two result lines:
 * <pre>
 * loss 0.273, train acc 0.899, test acc 0.807
 * 3313.6 examples/sec on AMD EPYC, 2 threads
 * </pre>
 * Show it as a table with {@link #table()} and as a figure with {@link #figure()}.
 */
public final class History {

    /** A point of the training curves: running means over the epoch so far, at a fractional epoch. */
    public record Point(double epoch, double loss, double trainAcc) {}

    private final String network;
    private final String device;
    private final int plannedEpochs;
    private final List<EpochResult> epochs = new ArrayList<>();
    private final List<Point> points = new ArrayList<>();
    private final java.util.Map<String, List<Double>> metrics = new java.util.LinkedHashMap<>();

    History(String network, String device, int plannedEpochs) {
        this.network = network;
        this.device = device;
        this.plannedEpochs = plannedEpochs;
    }

    void add(Point point) {
        points.add(point);
    }

    void add(EpochResult epoch) {
        epochs.add(epoch);
    }

    void addMetric(String name, double value) {
        metrics.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }

    /** The names of the extra per-epoch measurements ({@link Trainer#measureEachEpoch}), in order. */
    public List<String> metricNames() {
        return List.copyOf(metrics.keySet());
    }

    /**
     * This history without its extra measurements: the same run as a training without them would
     * record it, since a measurement leaves the network as it found it.
     */
    public History withoutMetrics() {
        return copy(network, false);
    }

    /** This history as the run of {@code network} (a run stored by another arm of the same definition). */
    public History named(String network) {
        return copy(network, true);
    }

    private History copy(String network, boolean withMetrics) {
        History h = new History(network, device, plannedEpochs);
        h.epochs.addAll(epochs);
        h.points.addAll(points);
        if (withMetrics) {
            metrics.forEach((name, values) -> h.metrics.put(name, new ArrayList<>(values)));
        }
        return h;
    }

    /** An extra measurement, one value per finished epoch. */
    public double[] metric(String name) {
        List<Double> v = metrics.get(name);
        if (v == null) {
            throw new IllegalArgumentException(
                    "no measurement named '" + name + "' in this run; it has " + metrics.keySet());
        }
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The trained network's {@link Classifier#name()}. */
    public String network() {
        return network;
    }

    /** Where it ran, e.g. "AMD EPYC, 2 threads". */
    public String device() {
        return device;
    }

    /** The number of epochs the run was asked for (the x-axis of the figure). */
    public int plannedEpochs() {
        return plannedEpochs;
    }

    /** One row per finished epoch. */
    public List<EpochResult> epochs() {
        return Collections.unmodifiableList(epochs);
    }

    /** The training curves' points, in order. */
    public List<Point> points() {
        return Collections.unmodifiableList(points);
    }

    /** The last finished epoch; the result line reports it, as d2l does. */
    public EpochResult last() {
        if (epochs.isEmpty()) throw new IllegalStateException("no epoch has finished yet");
        return epochs.get(epochs.size() - 1);
    }

    /** Seconds inside training steps, all epochs. */
    public double trainSeconds() {
        return epochs.stream().mapToDouble(EpochResult::trainSeconds).sum();
    }

    /** Wall-clock seconds of all epochs, evaluation and display included. */
    public double wallSeconds() {
        return epochs.stream().mapToDouble(EpochResult::wallSeconds).sum();
    }

    /**
     * Training examples per second over all epochs: every example trained on, divided by the time
     * spent inside training steps (d2l: {@code metric[2] * num_epochs / timer.sum()}).
     */
    public double examplesPerSecond() {
        long examples = epochs.stream().mapToLong(EpochResult::examples).sum();
        return examples / trainSeconds();
    }

    /**
     * The largest resident memory measured after an epoch, MiB (NaN if unknown). Not the peak
     * within an epoch ({@link Machine#peakRssMiB()} has that, for the whole process).
     */
    public double maxRssMiB() {
        return epochs.stream().mapToDouble(EpochResult::rssMiB).max().orElse(Double.NaN);
    }

    /** d2l's first line, for the last epoch: {@code loss 0.273, train acc 0.899, test acc 0.807}. */
    public String resultLine() {
        EpochResult e = last();
        return String.format(
                Locale.ROOT, "loss %.3f, train acc %.3f, test acc %.3f", e.loss(), e.trainAcc(), e.testAcc());
    }

    /** d2l's second line: {@code 3313.6 examples/sec on AMD EPYC, 2 threads}. */
    public String speedLine() {
        return String.format(Locale.ROOT, "%.1f examples/sec on %s", examplesPerSecond(), device);
    }

    /** One row per epoch: loss, train acc, test acc, examples/sec, seconds, memory. */
    public Table table() {
        Table t = Table.create(
                network,
                IntColumn.create(
                        "epoch", epochs.stream().mapToInt(EpochResult::epoch).toArray()),
                column("loss", 3, epochs.stream().mapToDouble(EpochResult::loss).toArray()),
                column(
                        "train acc",
                        3,
                        epochs.stream().mapToDouble(EpochResult::trainAcc).toArray()),
                column(
                        "test acc",
                        3,
                        epochs.stream().mapToDouble(EpochResult::testAcc).toArray()),
                column(
                        "examples/sec",
                        1,
                        epochs.stream()
                                .mapToDouble(EpochResult::examplesPerSecond)
                                .toArray()),
                column(
                        "train s",
                        1,
                        epochs.stream().mapToDouble(EpochResult::trainSeconds).toArray()),
                column(
                        "wall s",
                        1,
                        epochs.stream().mapToDouble(EpochResult::wallSeconds).toArray()),
                column(
                        "RSS MiB",
                        0,
                        epochs.stream().mapToDouble(EpochResult::rssMiB).toArray()));
        for (String name : metrics.keySet()) {
            t.addColumns(column(name, 3, metric(name)));
        }
        return t;
    }

    /** The table as HTML, for {@code render(history.html(), "text/html")} in a notebook. */
    public String html() {
        return Tables.html(table());
    }

    /**
     * Runs side by side, one row each: the last epoch's loss and accuracies, examples/sec, total
     * training and wall seconds, and the largest resident memory measured after an epoch.
     */
    public static Table compare(History... runs) {
        List<History> rs = List.of(runs);
        return Table.create(
                "comparison",
                StringColumn.create("network", rs.stream().map(History::network).toList()),
                column("loss", 3, rs.stream().mapToDouble(h -> h.last().loss()).toArray()),
                column(
                        "train acc",
                        3,
                        rs.stream().mapToDouble(h -> h.last().trainAcc()).toArray()),
                column(
                        "test acc",
                        3,
                        rs.stream().mapToDouble(h -> h.last().testAcc()).toArray()),
                column(
                        "examples/sec",
                        1,
                        rs.stream().mapToDouble(History::examplesPerSecond).toArray()),
                column(
                        "train s",
                        1,
                        rs.stream().mapToDouble(History::trainSeconds).toArray()),
                column(
                        "wall s",
                        1,
                        rs.stream().mapToDouble(History::wallSeconds).toArray()),
                column("RSS MiB", 0, rs.stream().mapToDouble(History::maxRssMiB).toArray()));
    }

    /**
     * Saves this run as a small CSV file (replaced atomically) and returns its absolute path;
     * {@link #load} reads it back, e.g. notebook 5 reading notebook 4's run.
     */
    public java.nio.file.Path save(java.nio.file.Path file) {
        return HistoryFile.save(this, file);
    }

    /** A run saved by {@link #save}: its epochs, with their figures at full precision. */
    public static History load(java.nio.file.Path file) {
        return HistoryFile.load(file);
    }

    /** The training figure: train loss, train acc and test acc against the epoch. */
    public BufferedImage figure() {
        return TrainingChart.image(this);
    }

    /** d2l's two result lines. */
    @Override
    public String toString() {
        if (epochs.isEmpty()) return network + ": no epoch finished yet";
        return resultLine() + "\n" + speedLine();
    }

    private static DoubleColumn column(String name, int digits, double[] values) {
        DoubleColumn c = DoubleColumn.create(name, values);
        c.setPrintFormatter(NumberColumnFormatter.fixedWithGrouping(digits));
        return c;
    }
}
