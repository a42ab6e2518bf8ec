package bnlab.viz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

/**
 * The library's one drawing of "the mean over seeds with bars from the lowest to the highest
 * seed" ({@link Charts#addRange}), which every results chart uses: the line goes through the
 * means, each bar spans exactly the lowest to the highest value at its x (never beyond the data,
 * as the symmetric "± farthest seed" bars did), the bars share the line's colour and stay out of
 * the legend.
 */
class ChartsTest {

    @Test
    void aRangeIsALineThroughTheMeansWithABarFromLowestToHighest() {
        XYChart chart = Charts.lines("test accuracy", "epoch", "accuracy");
        double[] x = {1, 2, 3};
        // three seeds per epoch, e.g. (0.5, 0.6, 0.9), (0.7, 0.7, 0.7), (0.2, 0.8, 0.8)
        double[] mean = {2.0 / 3, 0.7, 0.6};
        double[] low = {0.5, 0.7, 0.2};
        double[] high = {0.9, 0.7, 0.8};
        XYSeries line = Charts.addRange(chart, "BN (3 seeds)", "BN", x, mean, low, high);
        assertArrayEquals(x, line.getXData());
        assertArrayEquals(mean, line.getYData());
        assertTrue(line.isShowInLegend());
        List<XYSeries> bars =
                chart.getSeriesMap().values().stream().filter(s -> s != line).toList();
        assertEquals(1, bars.size(), "one series holds all the bars");
        XYSeries b = bars.get(0);
        assertFalse(b.isShowInLegend(), "the bars are not a legend entry");
        assertEquals(Charts.colour("BN"), b.getLineColor(), "bars in the line's colour");
        assertEquals(Charts.colour("BN"), line.getLineColor());
        double[] bx = b.getXData();
        double[] by = b.getYData();
        assertEquals(3 * x.length, by.length, "each bar is low, high and a break");
        for (int i = 0; i < x.length; i++) {
            assertEquals(x[i], bx[3 * i]);
            assertEquals(x[i], bx[3 * i + 1]);
            assertEquals(low[i], by[3 * i], "bar " + i + " starts at the lowest seed");
            assertEquals(high[i], by[3 * i + 1], "bar " + i + " ends at the highest seed");
            assertTrue(Double.isNaN(by[3 * i + 2]), "a break between bars");
        }
    }

    @Test
    void arraysOfDifferentLengthsAreRefused() {
        XYChart chart = Charts.lines("t", "x", "y");
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> Charts.addRange(
                        chart, "a", "a", new double[] {1, 2}, new double[] {1, 2}, new double[] {1}, new double[] {1, 2
                        }));
        assertTrue(e.getMessage().contains("got 2, 2, 1, 2"), e.getMessage());
    }

    @Test
    void aTitleWiderThanTheChartShrinksUntilItFitsAndAShortOneKeepsItsSize() {
        XYChart wide = new XYChart(640, 400);
        float size = wide.getStyler().getChartTitleFont().getSize2D();
        wide.setTitle("Loss range along the gradient, per epoch (mean, bars to the farthest seed), once more");
        Charts.fitTitle(wide);
        java.awt.Font shrunk = wide.getStyler().getChartTitleFont();
        assertTrue(shrunk.getSize2D() < size, "a title wider than the chart must shrink");
        var g = new java.awt.image.BufferedImage(1, 1, java.awt.image.BufferedImage.TYPE_INT_RGB).createGraphics();
        int width = g.getFontMetrics(shrunk).stringWidth(wide.getTitle());
        g.dispose();
        assertTrue(width <= 640 - 4 * wide.getStyler().getChartPadding(), "the shrunk title fits: " + width);

        XYChart narrow = new XYChart(640, 400);
        narrow.setTitle("Training accuracy per epoch");
        Charts.fitTitle(narrow);
        assertEquals(size, narrow.getStyler().getChartTitleFont().getSize2D());
    }
}
