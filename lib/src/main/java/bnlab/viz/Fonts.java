package bnlab.viz;

import java.awt.Font;
import java.awt.GraphicsEnvironment;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;

/**
 * Fonts that have the glyphs of a chart's words, so that a Chinese title never turns into rows of
 * missing-glyph boxes. Java's logical fonts ({@code SansSerif}) reach CJK glyphs only when the
 * system has a CJK font; when the styler's fonts cannot show a text, {@link #fit} switches them
 * to an installed family that can (Noto Sans CJK first, Debian package {@code fonts-noto-cjk});
 * {@link #fitting} does the same for one font of a drawing.
 */
final class Fonts {

    /** Preferred families for Chinese text, best first; any other family that can show it follows. */
    static final List<String> PREFERRED =
            List.of("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "Noto Sans CJK JP");

    private static volatile boolean warned;

    private Fonts() {}

    /**
     * Makes every text font of {@code styler} able to show {@code text}. When no installed font
     * can, strict labels ({@link Labels}) make that an error; otherwise it is a warning on stderr.
     */
    static void fit(Styler styler, String text) {
        boolean shown = styler.getChartTitleFont().canDisplayUpTo(text) == -1
                && styler.getLegendFont().canDisplayUpTo(text) == -1
                && (!(styler instanceof AxesChartStyler a)
                        || a.getAxisTitleFont().canDisplayUpTo(text) == -1);
        if (shown) return;
        Optional<String> family = familyOrWarn(text);
        if (family.isEmpty()) return;
        styler.setChartTitleFont(switchFamily(styler.getChartTitleFont(), family.get()));
        styler.setLegendFont(switchFamily(styler.getLegendFont(), family.get()));
        if (styler instanceof AxesChartStyler axes) {
            axes.setAxisTitleFont(switchFamily(axes.getAxisTitleFont(), family.get()));
            axes.setAxisTickLabelsFont(switchFamily(axes.getAxisTickLabelsFont(), family.get()));
        }
    }

    /**
     * The family to draw {@code text} in (e.g. a {@link Diagrams} drawing): {@code font}'s own when
     * it shows every glyph, else an installed family that does, else (with the same error or
     * warning as {@link #fit}) {@code font}'s.
     */
    static Font fitting(Font font, String text) {
        if (font.canDisplayUpTo(text) == -1) return font;
        return familyOrWarn(text).map(family -> switchFamily(font, family)).orElse(font);
    }

    private static Optional<String> familyOrWarn(String text) {
        Optional<String> family = familyFor(text);
        if (family.isPresent()) return family;
        String message = "no installed font has the glyphs of \"" + text + "\": install Noto CJK "
                + "(Debian: apt-get install fonts-noto-cjk, which scripts/setup.sh does as root), "
                + "then restart the kernel.";
        if (Labels.current().strict()) throw new IllegalStateException(message);
        if (!warned) {
            warned = true;
            System.err.println("bnlab.viz: warning: " + message);
        }
        return Optional.empty();
    }

    /** The first installed family (preferred ones first) whose plain font shows all of {@code text}. */
    static Optional<String> familyFor(String text) {
        List<String> installed =
                Arrays.asList(GraphicsEnvironment.getLocalGraphicsEnvironment().getAvailableFontFamilyNames());
        return java.util.stream.Stream.concat(PREFERRED.stream().filter(installed::contains), installed.stream())
                .filter(name -> new Font(name, Font.PLAIN, 12).canDisplayUpTo(text) == -1)
                .findFirst();
    }

    private static Font switchFamily(Font font, String family) {
        return new Font(family, font.getStyle(), font.getSize());
    }
}
