package bnlab.viz;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.Histogram;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.internal.series.Series;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * XChart figures as static images: a notebook cell that ends with {@code Charts.image(chart)}
 * shows a PNG, which survives headless execution, GitHub and the HTML handouts.
 *
 * <p>Build charts with XChart's own API; these helpers only give every figure of the course
 * the same size and style:
 * <ul>
 *   <li>the legend sits below the plot, never on the data; the image grows by its height, so the
 *       plot keeps its size;</li>
 *   <li>a series keeps its colour across a notebook: the first figure that shows "with BN" gives it
 *       a colour, and every later figure of the same kernel draws "with BN" in that colour
 *       ({@link #colour});</li>
 *   <li>a logarithmic axis gets a label at every tick: XChart labels only powers of ten, so the
 *       data are drawn on a linear axis of their logarithm (base 2 when every value is a power of
 *       two, as batch sizes are) whose ticks are labelled with the values themselves;</li>
 *   <li>{@link #addRange} draws a mean with bars from the lowest to the highest value at each x
 *       (over seeds, say): unlike symmetric error bars they never leave the range of the data,
 *       so an accuracy bar never passes 1 and a loss bar never goes below 0.</li>
 * </ul>
 */
public final class Charts {

    public static final int WIDTH = 640;
    public static final int HEIGHT = 360;

    /**
     * The colours series get in order of first appearance: Tableau's ten, then their lighter
     * twins (a colour-blind-friendly qualitative palette; XChart's default repeats after eight).
     */
    static final Color[] PALETTE = {
        new Color(0x4E79A7), new Color(0xF28E2B), new Color(0xE15759), new Color(0x76B7B2), new Color(0x59A14F),
        new Color(0xEDC948), new Color(0xB07AA1), new Color(0xFF9DA7), new Color(0x9C755F), new Color(0xBAB0AC),
        new Color(0xA0CBE8), new Color(0xFFBE7D), new Color(0xFF9D9A), new Color(0x86BCB6), new Color(0x8CD17D),
        new Color(0xF1CE63), new Color(0xD4A6C8), new Color(0xFABFD2), new Color(0xD7B5A6), new Color(0x79706E)
    };

    /** Suffix of the hidden series that carry a range's bars. */
    private static final String BARS = " \u2009bars";

    private static final Map<String, Color> COLOURS = new LinkedHashMap<>();

    private Charts() {}

    /** A line chart with the course's style; add series with {@code chart.addSeries(...)}. */
    public static XYChart lines(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title(title)
                .xAxisTitle(xTitle)
                .yAxisTitle(yTitle)
                .build();
        style(chart.getStyler());
        chart.getStyler().setMarkerSize(5);
        return chart;
    }

    /**
     * Overlaid histograms of several samples on shared bins from {@code min} to {@code max},
     * e.g. one channel before and after normalization.
     */
    public static CategoryChart histograms(
            String title, String xTitle, int bins, double min, double max, String[] names, double[]... samples) {
        if (names.length != samples.length) {
            throw new IllegalArgumentException(
                    names.length + " names for " + samples.length + " samples: give one name per sample.");
        }
        CategoryChart chart = new CategoryChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title(title)
                .xAxisTitle(xTitle)
                .yAxisTitle("count")
                .build();
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
     * The colour of the series named {@code key} in this JVM (a notebook's kernel): the next
     * colour of the palette the first time a key is asked for, the same one ever after.
     */
    public static synchronized Color colour(String key) {
        return COLOURS.computeIfAbsent(key, k -> PALETTE[COLOURS.size() % PALETTE.length]);
    }

    /**
     * Adds a line through {@code mean} with a bar from {@code low} to {@code high} at every x
     * (e.g. the mean over seeds and the lowest and highest seed), in the colour of
     * {@code colourKey}; the bars are not in the legend. NaN values leave a gap.
     */
    public static XYSeries addRange(
            XYChart chart, String name, String colourKey, double[] x, double[] mean, double[] low, double[] high) {
        if (x.length != mean.length || x.length != low.length || x.length != high.length) {
            throw new IllegalArgumentException("addRange needs as many means, lows and highs as x values, got "
                    + x.length + ", " + mean.length + ", " + low.length + ", " + high.length);
        }
        Color c = colour(colourKey);
        XYSeries line = chart.addSeries(name, x, mean);
        line.setMarker(SeriesMarkers.CIRCLE);
        line.setLineColor(c);
        line.setMarkerColor(c);
        double[] bx = new double[3 * x.length];
        double[] by = new double[3 * x.length];
        for (int i = 0; i < x.length; i++) {
            bx[3 * i] = bx[3 * i + 1] = bx[3 * i + 2] = x[i];
            by[3 * i] = low[i];
            by[3 * i + 1] = high[i];
            by[3 * i + 2] = Double.NaN;
        }
        XYSeries bars = chart.addSeries(name + BARS, bx, by);
        bars.setMarker(SeriesMarkers.NONE);
        bars.setLineColor(c);
        bars.setShowInLegend(false);
        return line;
    }

    /**
     * The chart rendered as an image; the notebook kernels display it as PNG. Title, axis titles
     * and legend entries are shown in the edition's language ({@link Labels}), in a font that has
     * their glyphs ({@link Fonts}); colours, legend and logarithmic axes as the class doc says.
     * The image is a {@link Figure}: it carries a text alternative written from the chart's data
     * ({@link Descriptions}), which the kernels show as its text.
     */
    public static Figure image(Chart<?, ?> chart) {
        // from the data and labels as given: before translation and before log axes are redrawn
        Map<String, String> alternatives = Descriptions.of(chart);
        if (chart instanceof XYChart xy) {
            colourSeries(xy);
            labelLogAxes(xy);
            if (xy.getStyler().getYAxisDecimalPattern() == null
                    && xy.getStyler().getyAxisTickLabelsFormattingFunction() == null) {
                // XChart's own pattern prints 0.08 as ".08"
                xy.setCustomYAxisTickLabelsFormatter(v -> plain(v, 4));
            }
        }
        Labels labels = Labels.current();
        // a second y-axis (e.g. the training figure's loss on the right) has its own title; an
        // axis without one shows the y-axis title, translated below
        String yTitle = chart.getYAxisTitle();
        StringBuilder texts = new StringBuilder();
        for (int group : chart.getSeriesMap().values().stream()
                .map(s -> s.getYAxisGroup())
                .distinct()
                .toList()) {
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
            if (series.isShowInLegend()) {
                series.setLabel(labels.translate(series.getLabel()));
                texts.append(series.getLabel());
            }
        }
        Fonts.fit(chart.getStyler(), texts.toString());
        fitTitle(chart);
        int height = chart.getHeight() + legendHeight(chart);
        BufferedImage image = new BufferedImage(chart.getWidth(), height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        chart.paint(g, chart.getWidth(), height);
        g.dispose();
        return new Figure(image, alternatives);
    }

    /** Series without a colour of their own get their name's colour ({@link #colour}). */
    private static void colourSeries(XYChart chart) {
        for (XYSeries s : chart.getSeriesMap().values()) {
            if (s.getLineColor() == null && s.isShowInLegend()) {
                Color c = colour(s.getName());
                s.setLineColor(c);
                s.setMarkerColor(c);
                s.setFillColor(c);
            }
        }
    }

    /**
     * Replaces XChart's logarithmic axes (labels at powers of ten only) by linear axes of the
     * logarithm of the data, each tick labelled with the value it stands for.
     */
    private static void labelLogAxes(XYChart chart) {
        var styler = chart.getStyler();
        // ticks about twice as far apart as XChart's default: a log axis reads best with few labels
        if (styler.isXAxisLogarithmic()) {
            styler.setXAxisLogarithmic(false);
            chart.setCustomXAxisTickLabelsFormatter(logScale(chart, true));
            styler.setXAxisTickMarkSpacingHint(2 * styler.getXAxisTickMarkSpacingHint());
        }
        if (styler.isYAxisLogarithmic()) {
            styler.setYAxisLogarithmic(false);
            chart.setCustomYAxisTickLabelsFormatter(logScale(chart, false));
            styler.setYAxisTickMarkSpacingHint(2 * styler.getYAxisTickMarkSpacingHint());
        }
    }

    /** Takes the log of every x (or y) value, base 2 if all are powers of two, else 10; returns the tick labeller. */
    private static Function<Double, String> logScale(XYChart chart, boolean x) {
        boolean powersOfTwo = chart.getSeriesMap().values().stream()
                .flatMapToDouble(s -> java.util.Arrays.stream(x ? s.getXData() : s.getYData()))
                .filter(Double::isFinite)
                .allMatch(Charts::isPowerOfTwo);
        double base = powersOfTwo ? 2 : 10;
        DoubleUnaryOperator log = v -> v > 0 ? Math.log(v) / Math.log(base) : Double.NaN;
        for (XYSeries s : chart.getSeriesMap().values()) {
            double[] xs = s.getXData();
            double[] ys = s.getYData();
            double[] e = s.getExtraValues();
            s.replaceData(
                    x ? java.util.Arrays.stream(xs).map(log).toArray() : xs,
                    x ? ys : java.util.Arrays.stream(ys).map(log).toArray(),
                    e);
        }
        return v -> plain(Math.pow(base, v), 2);
    }

    static boolean isPowerOfTwo(double v) {
        double l = Math.log(v) / Math.log(2);
        return v > 0 && Math.abs(l - Math.rint(l)) < 1e-9;
    }

    /** {@code v} in at most {@code digits} significant digits, without trailing zeros or exponent: 0.32, 1, 128, 0.08. */
    static String plain(double v, int digits) {
        if (!Double.isFinite(v)) {
            return "";
        }
        BigDecimal d = new BigDecimal(v).round(new MathContext(digits)).stripTrailingZeros();
        // a power of two (batch sizes) is shown whole: 128, not 130
        if (Math.abs(v - Math.rint(v)) < 1e-9 * Math.max(1, Math.abs(v)) && Math.abs(v) < 1e15) {
            d = BigDecimal.valueOf(Math.rint(v)).stripTrailingZeros();
        }
        return d.signum() == 0 ? "0" : d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString();
    }

    /** The smallest size a title shrinks to; below it a title is cut rather than unreadable. */
    static final float SMALLEST_TITLE_POINTS = 9f;

    /**
     * A title wider than the chart is drawn centred and cut at both ends: its font shrinks, half a
     * point at a time, until it fits the width inside the chart's padding.
     */
    static void fitTitle(Chart<?, ?> chart) {
        String title = chart.getTitle();
        if (title == null || title.isEmpty()) {
            return;
        }
        Styler styler = chart.getStyler();
        Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        int room = chart.getWidth() - 4 * styler.getChartPadding();
        Font font = styler.getChartTitleFont();
        while (font.getSize2D() > SMALLEST_TITLE_POINTS
                && g.getFontMetrics(font).stringWidth(title) > room) {
            font = font.deriveFont(font.getSize2D() - 0.5f);
        }
        g.dispose();
        styler.setChartTitleFont(font);
    }

    /**
     * Puts the legend below the plot, in one row if it fits the width, else one entry per line,
     * and returns how much taller the image must be for the plot to keep its size.
     */
    private static int legendHeight(Chart<?, ?> chart) {
        Styler styler = chart.getStyler();
        if (!styler.isLegendVisible() || styler.getLegendPosition() != Styler.LegendPosition.OutsideS) {
            return 0;
        }
        java.util.List<String> entries = chart.getSeriesMap().values().stream()
                .filter(s -> ((Series) s).isShowInLegend())
                .map(s -> ((Series) s).getLabel())
                .toList();
        if (entries.isEmpty()) {
            return 0;
        }
        Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        FontMetrics fm = g.getFontMetrics(styler.getLegendFont());
        g.dispose();
        int pad = styler.getLegendPadding();
        int row = Math.max(
                        fm.getHeight(),
                        styler instanceof org.knowm.xchart.style.AxesChartStyler a ? a.getMarkerSize() : 0)
                + pad;
        int width = 2 * pad;
        for (String e : entries) {
            width += styler.getLegendSeriesLineLength() + 3 * pad + fm.stringWidth(e);
        }
        boolean oneRow = width <= chart.getWidth() - 2 * styler.getChartPadding();
        styler.setLegendLayout(oneRow ? Styler.LegendLayout.Horizontal : Styler.LegendLayout.Vertical);
        return (oneRow ? 1 : entries.size()) * row + 3 * pad;
    }

    private static void style(Styler styler) {
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        // below the plot: inside, a legend hides whatever data sit in its corner
        styler.setLegendPosition(Styler.LegendPosition.OutsideS);
        styler.setLegendBorderColor(Color.WHITE);
        styler.setAntiAlias(true);
    }

    private static java.util.List<Double> toList(double[] values) {
        return java.util.Arrays.stream(values).boxed().toList();
    }
}
