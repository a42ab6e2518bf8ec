package bnlab.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Font;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class LabelsTest {

    @AfterEach
    void englishAgain() {
        System.clearProperty("bnlab.lang");
        System.clearProperty("bnlab.strict.labels");
    }

    @Test
    void englishIsTheCodeItself() {
        Labels en = Labels.of("en", true);
        assertEquals("moving mean", en.translate("moving mean"));
        assertEquals("anything at all", en.translate("anything at all"));
    }

    @Test
    void chineseLabelsComeFromTheLabelFile() {
        Labels zh = Labels.of("zh", true);
        assertEquals("移动均值", zh.translate("moving mean"));
        assertEquals("最大 |ΔY|", zh.translate("max |ΔY|"));   // a '|' inside a label
        assertEquals("训练模式", zh.translate("TRAINING"));
        assertTrue(zh.size() > 100, "labels loaded: " + zh.size());
    }

    @Test
    void aMissingLabelIsAnErrorThatNamesTheFileOnlyWhenStrict() {
        var e = assertThrows(IllegalStateException.class,
                () -> Labels.of("zh", true).translate("a label nobody translated"));
        assertTrue(e.getMessage().contains("a label nobody translated"), e.getMessage());
        assertTrue(e.getMessage().contains("lib/src/main/resources/bnlab/viz/labels-zh.tsv"), e.getMessage());
        assertEquals("a label nobody translated", Labels.of("zh", false).translate("a label nobody translated"));
    }

    @Test
    void numbersAndShapesNeedNoTranslation() {
        Labels zh = Labels.of("zh", true);
        assertEquals("[64, 10]", zh.translate("[64, 10]"));
        assertEquals("1.0e-15", zh.translate("1.0e-15"));
        assertEquals("", zh.translate(""));
    }

    @Test
    void anUnknownLanguageSaysWhatIsExpected() {
        var e = assertThrows(IllegalArgumentException.class, () -> Labels.of("fr", false));
        assertTrue(e.getMessage().contains("'fr'") && e.getMessage().contains("zh"), e.getMessage());
    }

    @Test
    void theLanguageComesFromTheSystemProperty() {
        System.setProperty("bnlab.lang", "zh");
        assertEquals("zh", Labels.current().language());
        assertEquals("特征", Labels.text("feature"));
    }

    @Test
    void chineseTablesTranslateCaptionColumnsAndTextCellsOfACopy() {
        Table t = Table.create("What each call changes in a BatchNorm layer",
                StringColumn.create("call", "forward, training mode", "[64, 10]"),
                DoubleColumn.create("mean", 0.5, 1.0 / 3));
        Tables.fixed(t, 2);
        Table zh = Tables.localized(t, Labels.of("zh", true));
        assertEquals("每次调用改变 BatchNorm 层的哪些数组", zh.name());
        assertEquals("调用", zh.column(0).name());
        assertEquals("前向传播，训练模式", zh.stringColumn(0).get(0));
        assertEquals("[64, 10]", zh.stringColumn(0).get(1));
        assertEquals("0.33", zh.doubleColumn(1).getString(1), "number format kept");
        // the notebook's own table is untouched: later code may still look columns up by name
        assertEquals("call", t.column(0).name());
        assertEquals("forward, training mode", t.stringColumn(0).get(0));
        assertSame(t, Tables.localized(t, Labels.of("en", true)));
    }

    @Test
    void chineseHtmlTable() {
        System.setProperty("bnlab.lang", "zh");
        String html = Tables.html(Table.create("comparison", StringColumn.create("network", "scratch BatchNorm")));
        assertTrue(html.contains("<caption>对比</caption>"), html);
        assertTrue(html.contains("<th>网络</th>") && html.contains("<td>从零实现的 BatchNorm</td>"), html);
    }

    @Test
    void chineseChartsGetTheirWordsAndAFontThatHasTheGlyphs() {
        System.setProperty("bnlab.lang", "zh");
        System.setProperty("bnlab.strict.labels", "true");
        XYChart chart = Charts.lines("Moving statistics, batches of 256 from N(3, 4), momentum 0.9",
                "training step", "value");
        chart.addSeries("moving mean", new double[] {0, 1}, new double[] {0, 0.3});
        BufferedImage image = Charts.image(chart);
        assertEquals(Charts.WIDTH, image.getWidth());
        assertEquals("移动统计量：每批 256 个取自 N(3, 4) 的数，动量 0.9", chart.getTitle());
        assertEquals("训练步数", chart.getXAxisTitle());
        assertEquals("移动均值", chart.getSeriesMap().get("moving mean").getLabel());
        Font title = chart.getStyler().getChartTitleFont();
        assertEquals(-1, title.canDisplayUpTo(chart.getTitle()), "title font " + title + " lacks glyphs");
        assertEquals(-1, chart.getStyler().getLegendFont().canDisplayUpTo("移动均值"));
        assertEquals(-1, chart.getStyler().getAxisTitleFont().canDisplayUpTo("训练步数"));
        assertFalse(Fonts.familyFor("批量规范化").isEmpty(), "no CJK font installed: apt-get install fonts-noto-cjk");
    }
}
