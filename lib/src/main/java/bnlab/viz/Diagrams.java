package bnlab.viz;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * Explanatory drawings that are not charts of data, as static images like every figure of the
 * course.
 */
public final class Diagrams {

    private static final Color HIGHLIGHT = new Color(0xE6, 0x55, 0x0D);
    private static final Color OTHER = new Color(0xDD, 0xDD, 0xDD);

    private Diagrams() {}

    /**
     * An (N, C, H, W) batch drawn as N rows of C planes of H×W cells, with the N·H·W values that
     * batch norm averages into the statistics of one channel highlighted: the same channel of
     * every example, every position. Its words are in the edition's language ({@link Labels}).
     */
    public static Figure reductionAxes(int n, int c, int h, int w, int channel) {
        if (n < 1 || c < 1 || h < 1 || w < 1 || channel < 0 || channel >= c) {
            throw new IllegalArgumentException("reductionAxes needs positive sizes and 0 <= channel < C, got (" + n
                    + ", " + c + ", " + h + ", " + w + ") and channel " + channel);
        }
        int cell = 16;
        int gap = 18;
        int left = 110;
        int top = 70;
        int planeW = w * cell;
        int planeH = h * cell;
        int width = left + c * (planeW + gap) + 20;
        int height = top + n * (planeH + gap) + 60;
        // every word in the edition's language (Labels), in fonts that have its glyphs (Fonts)
        Labels labels = Labels.current();
        String title =
                labels.translate("The values batch norm averages for channel " + channel + " of an (N, C, H, W) batch");
        String[] channels = new String[c];
        for (int ch = 0; ch < c; ch++) {
            channels[ch] = labels.translate("channel " + ch);
        }
        String[] examples = new String[n];
        for (int e = 0; e < n; e++) {
            examples[e] = labels.translate("example " + e);
        }
        String axisC = labels.translate("axis 1 (C) →");
        String axisN = labels.translate("axis 0 (N) ↓");
        String averaged = labels.translate(String.format(
                java.util.Locale.ROOT,
                "averaged together: N·H·W = %d·%d·%d = %d values (axes 0, 2, 3)",
                n,
                h,
                w,
                n * h * w));
        String others = labels.translate("other channels: their own statistics");
        String all = title + String.join("", channels) + String.join("", examples) + axisC + axisN + averaged + others;
        Font titleFont = Fonts.fitting(new Font(Font.SANS_SERIF, Font.BOLD, 15), all);
        Font textFont = Fonts.fitting(new Font(Font.SANS_SERIF, Font.PLAIN, 12), all);
        Graphics2D probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        int textWidth = Math.max(
                probe.getFontMetrics(titleFont).stringWidth(title) + 20,
                30
                        + Math.max(
                                probe.getFontMetrics(textFont).stringWidth(averaged),
                                probe.getFontMetrics(textFont).stringWidth(others))
                        + 10);
        probe.dispose();
        // at least the charts' 640 pixels, so both editions draw it the same size unless a text is longer
        BufferedImage image =
                new BufferedImage(Math.max(Math.max(width, 640), textWidth), height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), height);
        g.setColor(Color.BLACK);
        g.setFont(titleFont);
        g.drawString(title, 10, 22);
        g.setFont(textFont);
        for (int ch = 0; ch < c; ch++) {
            g.drawString(channels[ch], left + ch * (planeW + gap), top - 10);
        }
        g.drawString(axisC, left, 42);
        g.drawString(axisN, 10, top - 10);
        for (int e = 0; e < n; e++) {
            int y0 = top + e * (planeH + gap);
            g.setColor(Color.BLACK);
            g.drawString(examples[e], 10, y0 + planeH / 2 + 4);
            for (int ch = 0; ch < c; ch++) {
                int x0 = left + ch * (planeW + gap);
                for (int i = 0; i < h; i++) {
                    for (int j = 0; j < w; j++) {
                        g.setColor(ch == channel ? HIGHLIGHT : OTHER);
                        g.fillRect(x0 + j * cell, y0 + i * cell, cell - 1, cell - 1);
                    }
                }
                g.setColor(Color.GRAY);
                g.setStroke(new BasicStroke(1f));
                g.drawRect(x0 - 1, y0 - 1, planeW, planeH);
            }
        }
        int legendY = top + n * (planeH + gap) + 20;
        g.setColor(HIGHLIGHT);
        g.fillRect(10, legendY - 11, 14, 14);
        g.setColor(Color.BLACK);
        g.drawString(averaged, 30, legendY);
        g.setColor(OTHER);
        g.fillRect(10, legendY + 9, 14, 14);
        g.setColor(Color.BLACK);
        g.drawString(others, 30, legendY + 20);
        g.dispose();
        String english = String.format(
                java.util.Locale.ROOT,
                "Diagram \"%s\": a batch of N = %d examples"
                        + " (rows), each with C = %d channels of %d × %d values. Channel %d is highlighted in every"
                        + " example and at every position: these N·H·W = %d values are averaged together into the"
                        + " mean and the variance of channel %d; each other channel has its own statistics.",
                "The values batch norm averages for channel " + channel + " of an (N, C, H, W) batch",
                n,
                c,
                h,
                w,
                channel,
                n * h * w,
                channel);
        String chinese = String.format(
                java.util.Locale.ROOT,
                "示意图“%s”：一个小批量有 N = %d 个样本（每行一个），"
                        + "每个样本有 C = %d 个通道，每个通道 %d × %d 个数值。每个样本中、每个位置上的通道 %d 都被高亮："
                        + "这 N·H·W = %d 个数值一起求出通道 %d 的均值和方差；其他通道各有自己的统计量。",
                Labels.of("zh", false)
                        .translate(
                                "The values batch norm averages for channel " + channel + " of an (N, C, H, W) batch"),
                n,
                c,
                h,
                w,
                channel,
                n * h * w,
                channel);
        return new Figure(image, Descriptions.of(english, chinese));
    }
}
