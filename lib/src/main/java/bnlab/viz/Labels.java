package bnlab.viz;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

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
 * <p>Labels built at run time, with numbers or names inside ({@code "BN, lr 0.3"},
 * {@code "Seed 2: accuracy after each epoch, measured four ways"}), are matched by pattern lines:
 * {@code re:} then a Java regular expression that must match the whole label, a tab, the
 * translation, in which {@code $1}…{@code $9} stand for the groups. Each group is itself
 * translated as a label (a number stays a number, an arm's name gets its own translation), so
 * {@code "re:(.+) \((\d+) seeds\)<TAB>$1（$2 个种子）"} covers the legend of every arm. An exact
 * line always wins over a pattern; patterns are tried in the file's order.
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

    /** What starts a pattern line in a label file. */
    static final String PATTERN_PREFIX = "re:";

    private static final Pattern WORD = Pattern.compile("[A-Za-z]{2,}");
    private static final Pattern GROUP = Pattern.compile("\\$(\\d)");
    /** How deep translated groups may nest before a pattern is taken to match its own group. */
    private static final int MAX_DEPTH = 8;

    private static final Map<String, Labels> LOADED = new ConcurrentHashMap<>();

    /** A pattern line: the whole label must match {@code english}; {@code $n} in the translation is group n, translated. */
    private record Rule(Pattern english, String translation, String source) {}

    private final String language;
    private final Map<String, String> translations;
    private final List<Rule> rules;
    private final boolean strict;

    private Labels(String language, Map<String, String> translations, List<Rule> rules, boolean strict) {
        this.language = language;
        this.translations = translations;
        this.rules = rules;
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
            throw new IllegalArgumentException("BNLAB_LANG (or bnlab.lang) is '" + language + "', expected one of "
                    + LANGUAGES + ": unset it for English or set it to zh.");
        }
        Labels loaded = LOADED.computeIfAbsent(language, Labels::load);
        return new Labels(language, loaded.translations, loaded.rules, strict);
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
        return translate(english, english, 0);
    }

    /** {@code english} translated: an exact line, else the first pattern line that matches it all. */
    private String translate(String english, String whole, int depth) {
        String found = translations.get(english);
        if (found != null) return found;
        for (Rule rule : rules) {
            Matcher m = rule.english().matcher(english);
            if (!m.matches()) continue;
            if (depth >= MAX_DEPTH) {
                throw new IllegalStateException("the label \"" + whole + "\" nests patterns more than "
                        + MAX_DEPTH + " deep in " + String.format(SOURCE, language) + "; does "
                        + rule.source() + " match its own group?");
            }
            StringBuilder out = new StringBuilder();
            Matcher ref = GROUP.matcher(rule.translation());
            while (ref.find()) {
                String group = m.group(Integer.parseInt(ref.group(1)));
                String shown = group == null ? "" : translate(group, whole, depth + 1);
                ref.appendReplacement(out, Matcher.quoteReplacement(shown));
            }
            ref.appendTail(out);
            return out.toString();
        }
        if (strict && WORD.matcher(english).find()) {
            String part = english.equals(whole) ? "" : " (part of \"" + whole + "\")";
            throw new IllegalStateException("no " + language + " label for \"" + english + "\"" + part
                    + ": add the line `" + english + "<TAB>translation` (or a pattern line `re:REGEX<TAB>"
                    + "translation with $1...`) to " + String.format(SOURCE, language)
                    + " and rebuild the lib (scripts/setup.sh).");
        }
        return english;
    }

    /** Whether a missing translation is an error (runs that make handouts) or shows English. */
    public boolean strict() {
        return strict;
    }

    /** How many lines of the label file this language has: exact labels and patterns. */
    public int size() {
        return translations.size() + rules.size();
    }

    private static Labels load(String language) {
        if (language.equals("en")) return new Labels(language, Map.of(), List.of(), false);
        String resource = "labels-" + language + ".tsv";
        try (InputStream in = Labels.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("bnlab/viz/" + resource + " is missing from the lib "
                        + "jar: rebuild it with `mvn -B package -DskipTests` (scripts/setup.sh).");
            }
            return read(
                    language,
                    new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)),
                    String.format(SOURCE, language),
                    false);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + resource, e);
        }
    }

    /** The labels of a label file's text ({@code source} names it in errors); for the tests too. */
    static Labels read(String language, BufferedReader reader, String source, boolean strict) throws IOException {
        Map<String, String> table = new LinkedHashMap<>();
        List<Rule> rules = new ArrayList<>();
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
            if (parts[0].startsWith(PATTERN_PREFIX)) {
                rules.add(rule(parts[0].substring(PATTERN_PREFIX.length()), parts[1], source + " line " + number));
                continue;
            }
            if (table.put(parts[0], parts[1]) != null) {
                throw new IllegalStateException(source + " line " + number + " repeats the label \"" + parts[0]
                        + "\": keep one line per English label.");
            }
        }
        return new Labels(language, Map.copyOf(table), List.copyOf(rules), strict);
    }

    /** A pattern line, checked when the file is read: the regex compiles, every $n is a group of it. */
    private static Rule rule(String regex, String translation, String where) {
        Pattern pattern;
        try {
            pattern = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalStateException(
                    where + ": `" + regex + "` is not a Java regular expression: " + e.getDescription(), e);
        }
        int groups = pattern.matcher("").groupCount();
        Matcher ref = GROUP.matcher(translation);
        while (ref.find()) {
            int n = Integer.parseInt(ref.group(1));
            if (n < 1 || n > groups) {
                throw new IllegalStateException(
                        where + ": the translation uses $" + n + " but `" + regex + "` has " + groups + " group(s)");
            }
        }
        return new Rule(pattern, translation, where);
    }

    private static String setting(String key, String fallback) {
        String prop = System.getProperty(key.toLowerCase(Locale.ROOT).replace('_', '.'));
        if (prop != null && !prop.isBlank()) return prop.trim();
        String value = System.getenv(key);
        return value == null || value.isBlank() ? fallback : value.trim();
    }
}
