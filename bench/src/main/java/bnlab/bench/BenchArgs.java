package bnlab.bench;

/** Command-line numbers of the bench mains, with errors that name the argument and the fix. */
final class BenchArgs {

    private BenchArgs() {}

    /** {@code raw} as a whole number &ge; 1, else an error naming {@code what}. */
    static int positive(String what, String raw) {
        try {
            int value = Integer.parseInt(raw.trim());
            if (value >= 1) return value;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(what + " is '" + raw + "', expected a whole number >= 1");
    }
}
