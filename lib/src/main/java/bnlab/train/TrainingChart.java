package bnlab.train;

import bnlab.viz.Charts;
import java.awt.image.BufferedImage;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The training figure, d2l's {@code Animator}: train loss and train accuracy a few times per
 * epoch, test accuracy after each epoch, on an x-axis from 0 to the planned number of epochs,
 * so a live display grows from left to right. Accuracy is read on the left axis (0 to 1), the
 * loss on its own axis on the right. The training curves are running means since the start of
 * the epoch, as d2l plots them, so they step where a new epoch starts.
 */
public final class TrainingChart {

    private TrainingChart() {}

    /** The figure of a history (finished or still running) as an XChart chart. */
    public static XYChart chart(History history) {
        XYChart chart = axes(history.network(), history.plannedEpochs());
        List<History.Point> points = history.points();
        if (!points.isEmpty()) {
            double[] x = points.stream().mapToDouble(History.Point::epoch).toArray();
            line(
                            chart,
                            "train loss (right axis)",
                            x,
                            points.stream().mapToDouble(History.Point::loss).toArray())
                    .setYAxisGroup(1);
            line(
                    chart,
                    "train acc",
                    x,
                    points.stream().mapToDouble(History.Point::trainAcc).toArray());
        }
        List<EpochResult> epochs = history.epochs();
        if (!epochs.isEmpty()) {
            XYSeries test = chart.addSeries(
                    "test acc",
                    epochs.stream().mapToDouble(EpochResult::epoch).toArray(),
                    epochs.stream().mapToDouble(EpochResult::testAcc).toArray());
            test.setMarker(SeriesMarkers.DIAMOND);
        }
        return chart;
    }

    /** The test accuracy after each epoch of several runs, one line each (e.g. notebook 4's and 5's). */
    public static BufferedImage testAccuracy(String title, History... runs) {
        XYChart chart = Charts.lines(title, "epoch", "test accuracy");
        for (History h : runs) {
            List<EpochResult> epochs = h.epochs();
            chart.addSeries(
                            h.network(),
                            epochs.stream().mapToDouble(EpochResult::epoch).toArray(),
                            epochs.stream().mapToDouble(EpochResult::testAcc).toArray())
                    .setMarker(SeriesMarkers.CIRCLE);
        }
        chart.getStyler().setXAxisDecimalPattern("0");
        return Charts.image(chart);
    }

    /** {@link #chart(History)} rendered as an image. */
    public static BufferedImage image(History history) {
        return Charts.image(chart(history));
    }

    /**
     * Empty axes for a run of {@code epochs} epochs: what a notebook displays before training so
     * that the progress listener has a display to update.
     */
    public static BufferedImage empty(String title, int epochs) {
        return Charts.image(axes(title, epochs));
    }

    private static XYChart axes(String title, int epochs) {
        XYChart chart = Charts.lines(title, "epoch", "accuracy");
        chart.setYAxisGroupTitle(1, "loss");
        chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        chart.getStyler().setYAxisMax(0, 1.0);
        chart.getStyler().setXAxisMin(0.0);
        // a hair past the last epoch: XChart puts ticks only at the data's x values when they are
        // equally spaced (0, 0.2, 0.4, ...), giving labels like 0.6 and 1.2 instead of 1, 2, 3
        chart.getStyler().setXAxisMax(Math.max(1, epochs) + 1e-3);
        chart.getStyler().setYAxisMin(0, 0.0);
        chart.getStyler().setYAxisMin(1, 0.0);
        chart.getStyler().setXAxisDecimalPattern("0.#");
        // below the plot: inside, it would sit on the accuracy curves near 0.9
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        return chart;
    }

    private static XYSeries line(XYChart chart, String name, double[] x, double[] y) {
        XYSeries s = chart.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.NONE);
        return s;
    }
}
