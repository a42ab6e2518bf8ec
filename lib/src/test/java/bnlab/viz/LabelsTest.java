package bnlab.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
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
        assertEquals("最大 |ΔY|", zh.translate("max |ΔY|")); // a '|' inside a label
        assertEquals("训练模式", zh.translate("TRAINING"));
        assertTrue(zh.size() > 100, "labels loaded: " + zh.size());
    }

    @Test
    void aMissingLabelIsAnErrorThatNamesTheFileOnlyWhenStrict() {
        var e = assertThrows(
                IllegalStateException.class, () -> Labels.of("zh", true).translate("a label nobody translated"));
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
        Table t = Table.create(
                "What each call changes in a BatchNorm layer",
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
        XYChart chart =
                Charts.lines("Moving statistics, batches of 256 from N(3, 4), momentum 0.9", "training step", "value");
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

    private static Labels file(boolean strict, String... lines) throws IOException {
        return Labels.read("zh", new BufferedReader(new StringReader(String.join("\n", lines))), "test.tsv", strict);
    }

    @Test
    void patternLinesTranslateLabelsBuiltAtRunTime() {
        Labels zh = Labels.of("zh", true);
        // arm names, legends, captions and titles that Results, Experiment and the notebooks build
        assertEquals("批量规范化，学习率 0.3", zh.translate("BN, lr 0.3"));
        assertEquals("无批量规范化，学习率 10.0", zh.translate("no BN, lr 10.0"));
        assertEquals("有批量规范化（3 个种子）", zh.translate("with batch norm (3 seeds)"));
        assertEquals("批量规范化，学习率 1.0（3 个种子）", zh.translate("BN, lr 1.0 (3 seeds)"));
        assertEquals("测试准确率：最后一个迭代周期之后，各种子汇总", zh.translate("test acc after the last epoch, over seeds"));
        assertEquals("动量 0.9：3 个种子的平均值", zh.translate("momentum 0.9: means over 3 seeds"));
        assertEquals("种子 2：每个迭代周期之后的准确率，四种测法", zh.translate("Seed 2: accuracy after each epoch, measured four ways"));
        assertEquals("样本 1", zh.translate("example 1"));
    }

    @Test
    void anExactLineWinsAndGroupsAreTranslatedAsLabels() throws IOException {
        Labels zh = file(
                true,
                "# a comment",
                "re:(.+) \\((\\d+) seeds\\)\t$1（$2 个种子）",
                "re:BN, lr ([0-9.]+)\t批量规范化，学习率 $1",
                "BN, lr 1.0\t学习率 1.0 的批量规范化",
                "with batch norm\t使用批量规范化");
        assertEquals("使用批量规范化（3 个种子）", zh.translate("with batch norm (3 seeds)"));
        assertEquals("批量规范化，学习率 0.3（2 个种子）", zh.translate("BN, lr 0.3 (2 seeds)"));
        assertEquals("学习率 1.0 的批量规范化（3 个种子）", zh.translate("BN, lr 1.0 (3 seeds)"), "exact line first");
        assertEquals("0.5（3 个种子）", zh.translate("0.5 (3 seeds)"), "a number needs no label");
        assertEquals(4, zh.size());
    }

    @Test
    void aGroupWithoutATranslationIsAnErrorThatNamesItAndTheLabel() throws IOException {
        Labels strict = file(true, "re:(.+) \\((\\d+) seeds\\)\t$1（$2 个种子）");
        var e = assertThrows(IllegalStateException.class, () -> strict.translate("conv layers only (3 seeds)"));
        assertTrue(
                e.getMessage().contains("\"conv layers only\" (part of \"conv layers only (3 seeds)\")"),
                e.getMessage());
        assertEquals(
                "conv layers only（3 个种子）",
                file(false, "re:(.+) \\((\\d+) seeds\\)\t$1（$2 个种子）").translate("conv layers only (3 seeds)"));
    }

    @Test
    void aBadPatternLineIsAnErrorWithItsLineNumber() {
        var regex = assertThrows(IllegalStateException.class, () -> file(false, "ok\t好", "re:(unclosed\t$1"));
        assertTrue(
                regex.getMessage().contains("test.tsv line 2")
                        && regex.getMessage().contains("regular expression"),
                regex.getMessage());
        var group = assertThrows(IllegalStateException.class, () -> file(false, "re:lr (\\S+)\t学习率 $2"));
        assertTrue(group.getMessage().contains("$2") && group.getMessage().contains("1 group"), group.getMessage());
        var loop = assertThrows(
                IllegalStateException.class, () -> file(true, "re:(.*)\t[$1]").translate("anything"));
        assertTrue(loop.getMessage().contains("nests patterns"), loop.getMessage());
    }

    @Test
    void aSecondYAxisGetsItsTitleTranslated() {
        System.setProperty("bnlab.lang", "zh");
        System.setProperty("bnlab.strict.labels", "true");
        XYChart chart = Charts.lines("comparison", "epoch", "accuracy");
        chart.setYAxisGroupTitle(1, "loss");
        chart.addSeries("train acc", new double[] {1, 2}, new double[] {0.5, 0.6});
        chart.addSeries("train loss (right axis)", new double[] {1, 2}, new double[] {2.0, 1.0})
                .setYAxisGroup(1);
        Charts.image(chart);
        assertEquals("损失", chart.getYAxisGroupTitle(1));
        assertEquals("准确率", chart.getYAxisTitle());
        assertEquals("准确率", chart.getYAxisGroupTitle(0), "the first axis shows the y-axis title");
    }

    @Test
    void theReductionAxesDrawingSpeaksChinese() {
        System.setProperty("bnlab.strict.labels", "true");
        BufferedImage en = Diagrams.reductionAxes(2, 3, 4, 4, 1);
        System.setProperty("bnlab.lang", "zh");
        BufferedImage zh = Diagrams.reductionAxes(2, 3, 4, 4, 1); // strict: every word has a label
        assertEquals(en.getHeight(), zh.getHeight());
        assertEquals(en.getWidth(), zh.getWidth(), "both editions draw the figure the same size");
        Labels labels = Labels.current();
        String words = labels.translate("The values batch norm averages for channel 1 of an (N, C, H, W) batch")
                + labels.translate("averaged together: N·H·W = 2·4·4 = 32 values (axes 0, 2, 3)")
                + labels.translate("example 1")
                + labels.translate("channel 2");
        assertFalse(words.matches(".*[A-Za-z]{2,}.*"), words);
        assertEquals(
                -1,
                Fonts.fitting(new Font(Font.SANS_SERIF, Font.PLAIN, 12), words).canDisplayUpTo(words));
    }
}
