package bnlab.viz;

import java.awt.image.BufferedImage;
import java.util.Map;
import java.util.Objects;

/**
 * A figure as the notebooks show it: the picture (this image, shown as PNG) and a text
 * alternative that says what it shows, in English and in Chinese, for readers who cannot see it.
 *
 * <p>The Java kernels (IJava, JJava) display an image as {@code image/png} and give every output a
 * {@code text/plain} version made by {@code toString()}; for a figure that is its text
 * alternative in the edition's language ({@link Labels#current()}), so a screen reader in
 * JupyterLab, a text-only view of the notebook and the handouts (their {@code alt} attribute)
 * all get the description instead of {@code BufferedImage@2efa69bb}. The alternatives are written
 * from the chart's own data by {@link Descriptions}: the title, the axes, and each series with its
 * range or trend.
 *
 * <p>A figure is a {@link BufferedImage} (it shares the rendered image's pixels), so every method
 * that returned an image still does.
 */
public final class Figure extends BufferedImage {

    private final Map<String, String> alternatives;

    /** {@code image}'s pixels with a text alternative per language ({@code en}, {@code zh}). */
    public Figure(BufferedImage image, Map<String, String> alternatives) {
        super(image.getColorModel(), image.getRaster(), image.isAlphaPremultiplied(), null);
        for (String language : Labels.LANGUAGES) {
            if (alternatives.get(language) == null || alternatives.get(language).isBlank()) {
                throw new IllegalArgumentException("a figure needs a text alternative in every language "
                        + Labels.LANGUAGES + "; missing: " + language);
            }
        }
        this.alternatives = Map.copyOf(alternatives);
    }

    /** The text alternative in {@code language} ({@code en} or {@code zh}). */
    public String description(String language) {
        return Objects.requireNonNull(
                alternatives.get(language),
                () -> "no text alternative in '" + language + "': use one of " + Labels.LANGUAGES);
    }

    /** The text alternative in the edition's language. */
    public String description() {
        return description(Labels.current().language());
    }

    /** The text alternative in the edition's language: what the kernels send as {@code text/plain}. */
    @Override
    public String toString() {
        return description();
    }
}
