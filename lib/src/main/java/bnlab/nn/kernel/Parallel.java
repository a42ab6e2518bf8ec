package bnlab.nn.kernel;

import java.util.stream.IntStream;

/**
 * The one way the kernels split work across cores: a range of items (images, channels, rows)
 * cut into contiguous parts, one per thread, when there is enough work to pay for the hand-off
 * (a few microseconds). Each part knows its index, so reductions keep one partial result per
 * part and add them up after, in a fixed order: results do not depend on thread timing. The
 * parts go to a {@link Crew} of threads that stay awake between hand-offs, or, when it is busy,
 * to the common fork-join pool.
 */
public final class Parallel {

    /** Below this many floats of work a second thread costs more than it saves. */
    public static final long THRESHOLD = 1 << 15;

    /** The system property that sets how many threads share the work. */
    public static final String THREADS_PROPERTY = "bnlab.threads";

    /** Why {@code -Dbnlab.threads} cannot be used, or null when it can (or is not set). */
    private static final String BAD_THREADS = problem(System.getProperty(THREADS_PROPERTY));

    /**
     * How many threads share the work: the cores, or {@code -Dbnlab.threads=N}. A value that is
     * not a whole number of at least 1 is refused by the first kernel that runs (and by
     * {@link #threads()}), with the fix.
     */
    public static final int THREADS = BAD_THREADS == null && System.getProperty(THREADS_PROPERTY) != null
            ? Integer.parseInt(System.getProperty(THREADS_PROPERTY).trim())
            : Runtime.getRuntime().availableProcessors();

    private static volatile int threads = THREADS;
    private static volatile long threshold = THRESHOLD;
    private static final ThreadLocal<Boolean> ALONE = ThreadLocal.withInitial(() -> false);

    /** The body of one part: items [from, to). */
    public interface Part {
        void run(int part, int from, int to);
    }

    private Parallel() {}

    /** What is wrong with {@code value} as a thread count, or null if nothing (null: not set). */
    static String problem(String value) {
        if (value == null) {
            return null;
        }
        try {
            if (Integer.parseInt(value.trim()) >= 1) {
                return null;
            }
        } catch (NumberFormatException e) {
            // not a number: explained below
        }
        return "-D" + THREADS_PROPERTY + "=" + value + " is not a usable number of threads for the fast engine: "
                + "it must be a whole number of at least 1 (the default is the number of cores, "
                + Runtime.getRuntime().availableProcessors() + " here). Remove the option or set e.g. -D"
                + THREADS_PROPERTY + "=" + Runtime.getRuntime().availableProcessors() + ", and restart Java.";
    }

    /** {@link #THREADS}, after checking that {@code -Dbnlab.threads} was usable. */
    public static int threads() {
        if (BAD_THREADS != null) {
            throw new IllegalArgumentException(BAD_THREADS);
        }
        return THREADS;
    }

    /** How many parts {@code count} items of {@code costPerItem} floats of work each are split into. */
    public static int parts(int count, long costPerItem) {
        if (BAD_THREADS != null) {
            threads();
        }
        if (ALONE.get()) {
            return 1;
        }
        long work = (long) count * Math.max(1, costPerItem);
        return (int) Math.max(1, Math.min(Math.min(threads, count), work / threshold));
    }

    /** Runs {@code body} on {@code parts} contiguous slices of [0, count); parts from {@link #parts}. */
    public static void run(int count, int parts, Part body) {
        if (parts <= 1) {
            body.run(0, 0, count);
            return;
        }
        if (Crew.enabled && THREADS > 1 && Crew.of(THREADS).tryRun(count, parts, body)) {
            return;
        }
        IntStream.range(0, parts)
                .parallel()
                .forEach(p -> body.run(p, (int) ((long) count * p / parts), (int) ((long) count * (p + 1) / parts)));
    }

    /** {@code run(count, parts(count, costPerItem), body)}: for work without per-part results. */
    public static void forEach(int count, long costPerItem, Part body) {
        run(count, parts(count, costPerItem), body);
    }

    /**
     * Runs {@code task} with every kernel it calls on this thread kept in one piece: for callers
     * that already keep every core busy with independent work (an experiment training several
     * networks at once).
     */
    public static void alone(Runnable task) {
        boolean before = ALONE.get();
        ALONE.set(true);
        try {
            task.run();
        } finally {
            ALONE.set(before);
        }
    }

    /**
     * Runs {@code task} with every range split into up to {@code parts} parts however small the
     * work, even on one core: the tests use it to check that splitting does not change results.
     */
    public static synchronized void splitEverything(int parts, Runnable task) {
        int oldThreads = threads;
        long oldThreshold = threshold;
        threads = parts;
        threshold = 1;
        try {
            task.run();
        } finally {
            threads = oldThreads;
            threshold = oldThreshold;
        }
    }
}
