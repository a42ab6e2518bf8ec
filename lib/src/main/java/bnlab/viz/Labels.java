package bnlab.viz;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The words of figures and tables in the edition's language.
 *
 * <p>Notebook code is the same in every edition of the course and names its charts and tables in
 * English. {@link Charts#image} and {@link Tables#html} pass every title, axis title, legend
 * entry, column name and text cell through {@link #text(String)} just before rendering, so the
 * Chinese edition shows Chinese figures and tables from the very same code cell.
 *
 * <p>The language is {@code en} (default) or {@code zh}, read from the system property
 * {@code bnlab.lang}, else the environment variable {@code BNLAB_LANG}. The Java kernels of the
 * course set {@code BNLAB_LANG} for a notebook opened from an edition folder such as
 * {@code notebooks/zh/}. A language's labels are the resource {@code bnlab/viz/labels-LANG.tsv}:
 * one label per line, the English text, a tab, the translation; {@code #} starts a comment.
 *
 * <p>A label without a translation is shown in English. With {@code BNLAB_STRICT_LABELS=1} (or
 * {@code -Dbnlab.strict.labels=true}), as the course's notebook runner sets it, it is an error
 * instead, so a figure with an untranslated word cannot slip into a handout. Labels without a
 * word of two or more Latin letters ({@code [64, 10]}, {@code 1.0e-15}) need no translation.
 */
public final class Labels {

    /** The languages with a label file; {@code en} is the language of the code itself. */
    public static final List<String> LANGUAGES = List.of("en", "zh");

    /** Where a language's labels live in the source tree, for error messages. */
    static final String SOURCE = "lib/src/main/resources/bnlab/viz/labels-%s.tsv";

    private static final Pattern WORD = Pattern.compile("[A-Za-z]{2,}");
    private static final Map<String, Labels> LOADED = new ConcurrentHashMap<>();

    private final String language;
    private final Map<String, String> translations;
    private final boolean strict;

    private Labels(String language, Map<String, String> translations, boolean strict) {
        this.language = language;
        this.translations = translations;
        this.strict = strict;
    }

    /** The labels of the current language (system property / environment, see the class doc). */
    public static Labels current() {
        String language = setting("BNLAB_LANG", "en").toLowerCase(Locale.ROOT);
        String strictSetting = setting("BNLAB_STRICT_LABELS", "0").toLowerCase(Locale.ROOT);
        boolean strict = strictSetting.equals("1") || strictSetting.equals("true");
        return of(language, strict);
    }

    /** The labels of {@code language}; {@code strict}: a missing translation is an error. */
    public static Labels of(String language, boolean strict) {
        if (!LANGUAGES.contains(language)) {
            throw new IllegalArgumentException("BNLAB_LANG (or bnlab.lang) is '" + language
                    + "', expected one of " + LANGUAGES + ": unset it for English or set it to zh.");
        }
        Map<String, String> table = LOADED.computeIfAbsent(language, Labels::load).translations;
        return new Labels(language, table, strict);
    }

    /** The current language's text for an English label (see the class doc). */
    public static String text(String english) {
        return current().translate(english);
    }

    /** {@code en} or {@code zh}. */
    public String language() {
        return language;
    }

    /** The translation of {@code english}; {@code null} stays {@code null}. */
    public String translate(String english) {
        if (english == null || language.equals("en")) return english;
        String found = translations.get(english);
        if (found != null) return found;
        if (strict && WORD.matcher(english).find()) {
            throw new IllegalStateException("no " + language + " label for \"" + english
                    + "\": add the line `" + english + "<TAB>translation` to "
                    + String.format(SOURCE, language) + " and rebuild the lib (scripts/setup.sh).");
        }
        return english;
    }

    /** Whether a missing translation is an error (runs that make handouts) or shows English. */
    public boolean strict() {
        return strict;
    }

    /** How many labels this language translates. */
    public int size() {
        return translations.size();
    }

    private static Labels load(String language) {
        Map<String, String> table = new LinkedHashMap<>();
        if (language.equals("en")) return new Labels(language, table, false);
        String resource = "labels-" + language + ".tsv";
        String source = String.format(SOURCE, language);
        try (InputStream in = Labels.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("bnlab/viz/" + resource + " is missing from the lib "
                        + "jar: rebuild it with `mvn -B package -DskipTests` (scripts/setup.sh).");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] parts = line.split("\t", -1);
                if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                    throw new IllegalStateException(source + " line " + number + " is not "
                            + "`English<TAB>translation` (exactly one tab, both sides non-empty): " + line);
                }
                if (table.put(parts[0], parts[1]) != null) {
                    throw new IllegalStateException(source + " line " + number + " repeats the label \""
                            + parts[0] + "\": keep one line per English label.");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + resource, e);
        }
        return new Labels(language, Map.copyOf(table), false);
    }

    private static String setting(String key, String fallback) {
        String prop = System.getProperty(key.toLowerCase(Locale.ROOT).replace('_', '.'));
        if (prop != null && !prop.isBlank()) return prop.trim();
        String value = System.getenv(key);
        return value == null || value.isBlank() ? fallback : value.trim();
    }
}
