package bnlab.viz;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * Text alternatives of charts, written from the chart's own data (WCAG 2.1, 1.1.1 "Non-text
 * content"): the kind of chart and its title, what each axis shows and over which range, and for
 * each series its name, how many points it has and its range or trend ("rises from 0.71 to 0.80",
 * "flat at 0.86"; for a histogram: how many values, the fullest bin and the span). One sentence
 * pattern per language; titles and series names go through {@link Labels}.
 */
public final class Descriptions {

    /** At most this many series are described one by one; the rest are counted. */
    static final int MAX_SERIES = 8;

    private Descriptions() {}

    /** The chart's text alternative in every language of {@link Labels#LANGUAGES}. */
    public static Map<String, String> of(Chart<?, ?> chart) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String language : Labels.LANGUAGES) {
            Labels labels = Labels.of(language, false);
            out.put(language, describe(chart, new Words(language.equals("zh"), labels::translate)));
        }
        return out;
    }

    /** The same text in every language, for a drawing whose words are made by the caller. */
    static Map<String, String> of(String english, String chinese) {
        return Map.of("en", english, "zh", chinese);
    }

    static String describe(Chart<?, ?> chart, Words w) {
        if (chart instanceof XYChart xy) return xy(xy, w);
        if (chart instanceof CategoryChart category) return category(category, w);
        return w.zh ? "图：“" + w.t(chart.getTitle()) + "”。" : "Chart \"" + chart.getTitle() + "\".";
    }

    private static String xy(XYChart chart, Words w) {
        List<XYSeries> all = new ArrayList<>(chart.getSeriesMap().values());
        // a series hidden from the legend draws another's range bars (Charts.addRange)
        List<XYSeries> series = all.stream().filter(XYSeries::isShowInLegend).toList();
        StringBuilder s = new StringBuilder(
                w.zh ? "折线图“" + w.t(chart.getTitle()) + "”。" : "Line chart \"" + chart.getTitle() + "\". ");
        double[] xs = series.stream()
                .flatMapToDouble(p -> Arrays.stream(p.getXData()))
                .toArray();
        Double xMin = chart.getStyler().getXAxisMin();
        Double xMax = chart.getStyler().getXAxisMax();
        double[] xRange = range(xs, xMin, xMax);
        String yTitle = chart.getYAxisTitle();
        String right = series.stream()
                .filter(p -> p.getYAxisGroup() != 0)
                .findFirst()
                .map(p -> chart.getYAxisGroupTitle(p.getYAxisGroup()))
                .orElse(null);
        if (right == null) {
            right = chart.getYAxisGroupTitle(1);
            if (right != null && right.equals(yTitle)) right = null;
        }
        if (w.zh) {
            s.append("横轴：").append(w.t(chart.getXAxisTitle()));
            if (xRange != null)
                s.append("（")
                        .append(num(xRange[0]))
                        .append(" 到 ")
                        .append(num(xRange[1]))
                        .append("）");
            s.append(chart.getStyler().isXAxisLogarithmic() ? "，对数刻度" : "")
                    .append("；纵轴：")
                    .append(w.t(yTitle));
            if (right != null) s.append("；右侧纵轴：").append(w.t(right));
            s.append("。");
        } else {
            s.append("x-axis: ").append(chart.getXAxisTitle());
            if (xRange != null)
                s.append(", ").append(num(xRange[0])).append(" to ").append(num(xRange[1]));
            s.append(chart.getStyler().isXAxisLogarithmic() ? ", logarithmic" : "")
                    .append("; y-axis: ")
                    .append(yTitle);
            if (right != null) s.append("; right y-axis: ").append(right);
            s.append(". ");
        }
        if (series.isEmpty()) {
            return s.append(w.zh ? "尚无数据。" : "No data yet.").toString().trim();
        }
        s.append(w.zh ? series.size() + " 条曲线：" : series.size() + " series: ");
        List<String> parts = new ArrayList<>();
        for (XYSeries p : series.subList(0, Math.min(series.size(), MAX_SERIES))) {
            boolean bars = p.getExtraValues() != null
                    || all.stream()
                            .anyMatch(h ->
                                    !h.isShowInLegend() && h != p && h.getName().startsWith(p.getName()));
            parts.add(line(p.getLabel(), p.getXData(), p.getYData(), bars, right != null && p.getYAxisGroup() != 0, w));
        }
        s.append(String.join(w.zh ? "；" : "; ", parts));
        if (series.size() > MAX_SERIES) {
            int more = series.size() - MAX_SERIES;
            s.append(w.zh ? "；另有 " + more + " 条曲线" : "; and " + more + " more");
        }
        return s.append(w.zh ? "。" : ".").toString();
    }

    /** One line series: name, points, and its trend from the first to the last finite point. */
    static String line(String name, double[] x, double[] y, boolean errorBars, boolean rightAxis, Words w) {
        List<double[]> points = new ArrayList<>();
        for (int i = 0; i < y.length; i++) {
            if (Double.isFinite(y[i])) points.add(new double[] {x[i], y[i]});
        }
        int missing = y.length - points.size();
        StringBuilder s = new StringBuilder(w.zh ? "“" + w.t(name) + "”" : "\"" + name + "\"");
        if (rightAxis) s.append(w.zh ? "（右轴）" : " (right axis)");
        if (points.isEmpty()) {
            return s.append(w.zh ? "：没有有限的数值" : ": no finite values").toString();
        }
        double first = points.get(0)[1];
        double last = points.get(points.size() - 1)[1];
        double[] lo = points.get(0);
        double[] hi = points.get(0);
        for (double[] p : points) {
            if (p[1] < lo[1]) lo = p;
            if (p[1] > hi[1]) hi = p;
        }
        double spread = hi[1] - lo[1];
        double scale = Math.max(Math.abs(hi[1]), Math.abs(lo[1]));
        boolean flat = spread <= 1e-9 * Math.max(1, scale)
                || spread < 0.02 * scale && points.size() > 1 && Math.abs(last - first) < 0.01 * scale;
        s.append(
                w.zh
                        ? "：" + points.size() + " 个点，"
                        : ": " + points.size() + " point" + (points.size() == 1 ? "" : "s") + ", ");
        if (points.size() == 1) {
            s.append(
                    w.zh
                            ? "值 " + num(first) + "（x = " + num(points.get(0)[0]) + "）"
                            : "value " + num(first) + " at x = " + num(points.get(0)[0]));
        } else if (flat) {
            s.append(w.zh ? "基本持平，约 " + num(first) : "flat at about " + num(first));
        } else {
            boolean rises = last > first;
            s.append(
                    w.zh
                            ? (rises ? "从 " + num(first) + " 升到 " + num(last) : "从 " + num(first) + " 降到 " + num(last))
                            : (rises ? "rises" : "falls") + " from " + num(first) + " to " + num(last));
            boolean endsAreExtremes = (lo == points.get(0) || lo == points.get(points.size() - 1))
                    && (hi == points.get(0) || hi == points.get(points.size() - 1));
            if (!endsAreExtremes) {
                s.append(
                        w.zh
                                ? "（最低 " + num(lo[1]) + "，x = " + num(lo[0]) + "；最高 " + num(hi[1]) + "，x = "
                                        + num(hi[0]) + "）"
                                : " (lowest " + num(lo[1]) + " at x = " + num(lo[0]) + ", highest " + num(hi[1])
                                        + " at x = " + num(hi[0]) + ")");
            }
        }
        if (errorBars) s.append(w.zh ? "，带误差线" : ", with error bars");
        if (missing > 0) {
            s.append(
                    w.zh
                            ? "，" + missing + " 个点没有数值"
                            : ", " + missing + " point" + (missing == 1 ? "" : "s") + " without a value");
        }
        return s.toString();
    }

    private static String category(CategoryChart chart, Words w) {
        List<CategorySeries> series = new ArrayList<>(chart.getSeriesMap().values());
        boolean histogram = !series.isEmpty()
                && series.get(0).getXData().stream().allMatch(v -> v instanceof Number)
                && chart.getStyler().isOverlapped();
        StringBuilder s = new StringBuilder();
        if (histogram) {
            List<?> bins = new ArrayList<>(series.get(0).getXData());
            double width =
                    bins.size() > 1 ? ((Number) bins.get(1)).doubleValue() - ((Number) bins.get(0)).doubleValue() : 0;
            double from = ((Number) bins.get(0)).doubleValue() - width / 2;
            double to = ((Number) bins.get(bins.size() - 1)).doubleValue() + width / 2;
            s.append(
                    w.zh
                            ? "直方图“" + w.t(chart.getTitle()) + "”。横轴：" + w.t(chart.getXAxisTitle()) + "，"
                                    + bins.size() + " 个区间，从 " + num(from) + " 到 " + num(to) + "；纵轴："
                                    + w.t(chart.getYAxisTitle())
                                    + "。" + series.size() + " 组数据："
                            : "Histogram \"" + chart.getTitle() + "\". x-axis: " + chart.getXAxisTitle() + ", "
                                    + bins.size()
                                    + " bins from " + num(from) + " to " + num(to) + "; y-axis: "
                                    + chart.getYAxisTitle() + ". "
                                    + series.size() + " series: ");
        } else {
            s.append(
                    w.zh
                            ? "柱状图“" + w.t(chart.getTitle()) + "”。横轴：" + w.t(chart.getXAxisTitle()) + "；纵轴："
                                    + w.t(chart.getYAxisTitle()) + "。"
                            : "Bar chart \"" + chart.getTitle() + "\". x-axis: " + chart.getXAxisTitle() + "; y-axis: "
                                    + chart.getYAxisTitle() + ". ");
            if (series.isEmpty())
                return s.append(w.zh ? "尚无数据。" : "No data yet.").toString().trim();
            s.append(w.zh ? series.size() + " 组数据：" : series.size() + " series: ");
        }
        List<String> parts = new ArrayList<>();
        for (CategorySeries p : series.subList(0, Math.min(series.size(), MAX_SERIES))) {
            parts.add(histogram ? bins(p, w) : bars(p, w));
        }
        s.append(String.join(w.zh ? "；" : "; ", parts));
        if (series.size() > MAX_SERIES) {
            int more = series.size() - MAX_SERIES;
            s.append(w.zh ? "；另有 " + more + " 组" : "; and " + more + " more");
        }
        return s.append(w.zh ? "。" : ".").toString();
    }

    private static String bins(CategorySeries p, Words w) {
        List<?> x = new ArrayList<>(p.getXData());
        List<? extends Number> y = new ArrayList<>(p.getYData());
        double total = 0;
        int peak = 0;
        int first = -1;
        int last = -1;
        for (int i = 0; i < y.size(); i++) {
            double v = y.get(i).doubleValue();
            total += v;
            if (v > y.get(peak).doubleValue()) peak = i;
            if (v > 0) {
                if (first < 0) first = i;
                last = i;
            }
        }
        String name = w.zh ? "“" + w.t(p.getLabel()) + "”" : "\"" + p.getLabel() + "\"";
        if (first < 0) return name + (w.zh ? "：没有数值" : ": no values");
        String peakAt = num(((Number) x.get(peak)).doubleValue());
        String count = num(y.get(peak).doubleValue());
        String from = num(((Number) x.get(first)).doubleValue());
        String to = num(((Number) x.get(last)).doubleValue());
        return w.zh
                ? name + "：" + num(total) + " 个值，最多的区间在 " + peakAt + "（" + count + " 个），分布在 " + from + " 到 " + to
                        + " 的区间里"
                : name + ": " + num(total) + " values, the fullest bin at " + peakAt + " (" + count
                        + "), spread over the bins from " + from + " to " + to;
    }

    private static String bars(CategorySeries p, Words w) {
        List<?> x = new ArrayList<>(p.getXData());
        List<? extends Number> y = new ArrayList<>(p.getYData());
        List<String> bars = new ArrayList<>();
        for (int i = 0; i < x.size(); i++) {
            String category = x.get(i) instanceof Number n ? num(n.doubleValue()) : w.t(String.valueOf(x.get(i)));
            bars.add(category + " " + num(y.get(i).doubleValue()));
        }
        return (w.zh ? "“" + w.t(p.getLabel()) + "”：" : "\"" + p.getLabel() + "\": ") + String.join(", ", bars);
    }

    /** The axis range: the styler's limits where set, else the data's. */
    private static double[] range(double[] values, Double min, Double max) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            if (Double.isFinite(v)) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        if (min != null) lo = min;
        if (max != null) hi = max;
        return Double.isFinite(lo) && Double.isFinite(hi) ? new double[] {lo, hi} : null;
    }

    /** A number with three significant digits, as a reader would say it (0.712, 1.5e-10, 6,144). */
    static String num(double v) {
        if (!Double.isFinite(v)) return String.valueOf(v);
        if (v == 0) return "0";
        double a = Math.abs(v);
        if (a >= 1e-3 && a < 1e6) {
            BigDecimal d = new BigDecimal(v)
                    .round(new MathContext(a >= 1000 ? (int) Math.floor(Math.log10(a)) + 1 : 3))
                    .stripTrailingZeros();
            return d.toPlainString();
        }
        return String.format(java.util.Locale.ROOT, "%.2e", v)
                .replace("e-0", "e-")
                .replace("e+0", "e");
    }

    /** The words of one language: {@code t} translates a label, {@code zh} picks the sentence pattern. */
    record Words(boolean zh, UnaryOperator<String> translate) {
        String t(String english) {
            return english == null ? "" : translate.apply(english);
        }
    }
}
