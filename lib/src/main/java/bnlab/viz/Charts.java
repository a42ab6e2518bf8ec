package bnlab.viz;

import java.awt.Color;
import java.awt.Font;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.Histogram;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

/**
 * XChart figures as static images: a notebook cell that ends with {@code Charts.image(chart)}
 * shows a PNG, which survives headless execution, GitHub and the HTML handouts.
 *
 * <p>Build charts with XChart's own API; these helpers only give every figure of the course
 * the same size and style.
 */
public final class Charts {

    public static final int WIDTH = 640;
    public static final int HEIGHT = 360;

    private Charts() {
    }

    /** A line chart with the course's style; add series with {@code chart.addSeries(...)}. */
    public static XYChart lines(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        style(chart.getStyler());
        chart.getStyler().setMarkerSize(5);
        return chart;
    }

    /**
     * Overlaid histograms of several samples on shared bins from {@code min} to {@code max},
     * e.g. one channel before and after normalization.
     */
    public static CategoryChart histograms(String title, String xTitle, int bins, double min,
                                           double max, String[] names, double[]... samples) {
        if (names.length != samples.length) {
            throw new IllegalArgumentException(names.length + " names for " + samples.length
                    + " samples: give one name per sample.");
        }
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title(title).xAxisTitle(xTitle).yAxisTitle("count").build();
        style(chart.getStyler());
        chart.getStyler().setOverlapped(true);
        chart.getStyler().setXAxisDecimalPattern("0.#");
        chart.getStyler().setXAxisLabelRotation(0);
        chart.getStyler().setXAxisMaxLabelCount(9);
        for (int i = 0; i < names.length; i++) {
            Histogram h = new Histogram(toList(samples[i]), bins, min, max);
            chart.addSeries(names[i], h.getxAxisData(), h.getyAxisData());
        }
        return chart;
    }

    /**
     * The chart rendered as an image; the notebook kernels display it as PNG. Title, axis titles
     * and legend entries are shown in the edition's language ({@link Labels}), in a font that has
     * their glyphs ({@link Fonts}). The image is a {@link Figure}: it carries a text alternative
     * written from the chart's data ({@link Descriptions}), which the kernels show as its text.
     */
    public static Figure image(Chart<?, ?> chart) {
        Map<String, String> alternatives = Descriptions.of(chart);  // from the untranslated labels
        Labels labels = Labels.current();
        // a second y-axis (e.g. the training figure's loss on the right) has its own title; an
        // axis without one shows the y-axis title, translated below
        String yTitle = chart.getYAxisTitle();
        StringBuilder texts = new StringBuilder();
        for (int group : chart.getSeriesMap().values().stream().map(s -> s.getYAxisGroup()).distinct().toList()) {
            String own = chart.getYAxisGroupTitle(group);
            if (own != null && !own.equals(yTitle)) {
                chart.setYAxisGroupTitle(group, labels.translate(own));
                texts.append(chart.getYAxisGroupTitle(group));
            }
        }
        chart.setTitle(labels.translate(chart.getTitle()));
        chart.setXAxisTitle(labels.translate(chart.getXAxisTitle()));
        chart.setYAxisTitle(labels.translate(yTitle));
        texts.append(chart.getTitle()).append(chart.getXAxisTitle()).append(chart.getYAxisTitle());
        for (var series : chart.getSeriesMap().values()) {
            series.setLabel(labels.translate(series.getLabel()));
            texts.append(series.getLabel());
        }
        Fonts.fit(chart.getStyler(), texts.toString());
        return new Figure(BitmapEncoder.getBufferedImage(chart), alternatives);
    }

    private static void style(Styler styler) {
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        styler.setLegendPosition(Styler.LegendPosition.InsideNE);
        styler.setAntiAlias(true);
    }

    private static java.util.List<Double> toList(double[] values) {
        return java.util.Arrays.stream(values).boxed().toList();
    }
}
