package bnlab;

import java.util.Locale;
import java.util.Map;

/**
 * The run profile: how much data and how many epochs the notebooks use. Read in this one place.
 *
 * <ul>
 *   <li>{@code BNLAB_PROFILE=full} (default): the whole dataset, d2l's 10 epochs.</li>
 *   <li>{@code BNLAB_PROFILE=quick}: a small slice and 1 epoch, so CI executes every notebook
 *       in minutes; the numbers are then a smoke test, not results.</li>
 * </ul>
 * {@code BNLAB_EPOCHS}, {@code BNLAB_TRAIN_LIMIT} and {@code BNLAB_TEST_LIMIT} override single
 * values of either profile. Each name is also read as a system property in lower case with dots
 * ({@code bnlab.profile}, {@code bnlab.epochs}, ...), which wins over the environment.
 */
public record Profile(String name, int epochs, int trainLimit, int testLimit) {

    /** Fashion-MNIST's full sizes; a limit of this size means "everything". */
    public static final int FULL_TRAIN = 60_000;

    public static final int FULL_TEST = 10_000;

    public static Profile full() {
        return new Profile("full", 10, FULL_TRAIN, FULL_TEST);
    }

    public static Profile quick() {
        return new Profile("quick", 1, 2_048, 1_024);
    }

    /** The profile selected by environment variables and system properties. */
    public static Profile current() {
        return from(System.getenv(), System.getProperties());
    }

    static Profile from(Map<String, String> env, java.util.Properties props) {
        String name = setting("BNLAB_PROFILE", env, props, "full").toLowerCase(Locale.ROOT);
        Profile base =
                switch (name) {
                    case "full" -> full();
                    case "quick" -> quick();
                    default -> throw new IllegalArgumentException("BNLAB_PROFILE is '" + name
                            + "', expected 'full' or 'quick': unset it for the full run or set it to quick.");
                };
        return new Profile(
                base.name,
                positive("BNLAB_EPOCHS", env, props, base.epochs),
                positive("BNLAB_TRAIN_LIMIT", env, props, base.trainLimit),
                positive("BNLAB_TEST_LIMIT", env, props, base.testLimit));
    }

    /** {@code full} in the full profile, {@code quick} in the quick one: an experiment's size. */
    public int choose(int full, int quick) {
        return isQuick() ? quick : full;
    }

    public boolean isQuick() {
        return !"full".equals(name) || trainLimit < FULL_TRAIN || testLimit < FULL_TEST;
    }

    private static String setting(String key, Map<String, String> env, java.util.Properties props, String fallback) {
        String prop = props.getProperty(key.toLowerCase(Locale.ROOT).replace('_', '.'));
        if (prop != null && !prop.isBlank()) return prop.trim();
        String value = env.get(key);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    private static int positive(String key, Map<String, String> env, java.util.Properties props, int fallback) {
        String raw = setting(key, env, props, Integer.toString(fallback));
        try {
            int value = Integer.parseInt(raw);
            if (value > 0) return value;
        } catch (NumberFormatException ignored) {
            // fall through to the error below
        }
        throw new IllegalArgumentException(key + " is '" + raw + "', expected a positive whole number.");
    }

    @Override
    public String toString() {
        return String.format(
                "profile %s: %d epoch%s, %,d train / %,d test images",
                name, epochs, epochs == 1 ? "" : "s", trainLimit, testLimit);
    }
}
