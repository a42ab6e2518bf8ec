package bnlab.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;

/** Text alternatives of figures: what they say, in both languages, and how a figure carries them. */
class DescriptionsTest {

    private static XYChart refresh() {
        XYChart chart = Charts.lines("Test accuracy while the moving statistics are refreshed", "epoch", "accuracy");
        chart.addSeries("test acc", new double[] {0, 1, 2, 3}, new double[] {0.71, 0.78, 0.74, 0.80});
        chart.addSeries("train acc", new double[] {0, 3}, new double[] {0.862, 0.862});
        return chart;
    }

    @Test
    void aLineChartNamesItsTitleAxesAndEachSeriesTrend() {
        String en = Descriptions.of(refresh()).get("en");
        assertEquals(
                "Line chart \"Test accuracy while the moving statistics are refreshed\". "
                        + "x-axis: epoch, 0 to 3; y-axis: accuracy. 2 series: \"test acc\": 4 points, rises from "
                        + "0.71 to 0.8; \"train acc\": 2 points, "
                        + "flat at about 0.862.",
                en);
    }

    @Test
    void aDipInTheMiddleIsNamed() {
        XYChart chart = Charts.lines("loss", "epoch", "loss");
        chart.addSeries("train loss", new double[] {1, 2, 3}, new double[] {2.3, 0.2, 0.5});
        String en = Descriptions.of(chart).get("en");
        assertTrue(
                en.contains("\"train loss\": 3 points, falls from 2.3 to 0.5 (lowest 0.2 at x = 2, "
                        + "highest 2.3 at x = 1)"),
                en);
    }

    @Test
    void theChineseAlternativeUsesTheChineseLabels() {
        String zh = Descriptions.of(refresh()).get("zh");
        assertTrue(zh.startsWith("折线图“"), zh);
        assertTrue(zh.contains("横轴：迭代周期（0 到 3）；纵轴：准确率。"), zh);
        assertTrue(zh.contains("“测试准确率”：4 个点，从 0.71 升到 0.8"), zh);
        assertTrue(zh.contains("“训练准确率”：2 个点，基本持平，约 0.862"), zh);
    }

    @Test
    void aHistogramSaysHowManyValuesWhereTheyPeakAndTheirSpan() {
        CategoryChart chart = Charts.histograms(
                "One feature", "value", 4, 0, 4, new String[] {"before: x"}, new double[] {0.5, 1.5, 1.6, 1.7, 2.5});
        String en = Descriptions.of(chart).get("en");
        assertEquals(
                "Histogram \"One feature\". x-axis: value, 4 bins from 0 to 4; y-axis: count. 1 series: "
                        + "\"before: x\": 5 values, the fullest bin at 1.5 (3), spread over the bins from 0.5 to 2.5.",
                en);
        assertTrue(Descriptions.of(chart).get("zh").startsWith("直方图“"));
    }

    @Test
    void emptyAxesSayThereIsNoDataYet() {
        assertTrue(Descriptions.of(Charts.lines("live", "epoch", "accuracy"))
                .get("en")
                .endsWith("No data yet."));
    }

    @Test
    void aFigureIsItsPngAndItsTextAlternative() throws IOException {
        Figure figure = Charts.image(refresh());
        assertEquals(figure.description(Labels.current().language()), figure.toString());
        assertFalse(figure.toString().contains("BufferedImage"));
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(figure, "png", png), "no PNG writer took the figure");
        var decoded = ImageIO.read(new ByteArrayInputStream(png.toByteArray()));
        assertEquals(Charts.WIDTH, decoded.getWidth());
        assertEquals(figure.getHeight(), decoded.getHeight()); // the legend below may add height
        assertThrows(IllegalArgumentException.class, () -> new Figure(figure, Map.of("en", "only English")));
    }

    @Test
    void theReductionDiagramDescribesWhatIsHighlighted() {
        Figure figure = Diagrams.reductionAxes(2, 3, 4, 4, 1);
        assertTrue(figure.description("en").contains("N·H·W = 32 values"), figure.description("en"));
        assertTrue(figure.description("zh").contains("N·H·W = 32 个数值"), figure.description("zh"));
    }

    @Test
    void numbersKeepThreeSignificantDigits() {
        assertEquals("0.712", Descriptions.num(0.71234));
        assertEquals("6144", Descriptions.num(6144));
        assertEquals("1.50e-10", Descriptions.num(1.5e-10));
        assertEquals("0", Descriptions.num(0));
    }
}
