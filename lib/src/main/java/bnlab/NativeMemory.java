package bnlab;

import java.lang.reflect.Method;
import java.util.Locale;
import org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu;

/**
 * Keeps ND4J's native memory from piling up between garbage collections: a daemon thread that
 * runs one whenever the bytes of ND4J's native buffers have grown by a threshold (default
 * {@value #DEFAULT_THRESHOLD_MIB} MiB) since the last one, then returns the freed pages to the OS.
 *
 * <p>Why: an INDArray's native buffer is freed when it is closed or when the garbage collector
 * collects its Java object. Those objects are tiny and the heap fills slowly, so collections come
 * hundreds of training steps apart, while DL4J's {@code BatchNormalization} layer leaves about
 * 1.8 times its input's size of buffers outside its workspaces at every training step (8.4 MiB
 * per LeNet-BN step): a DL4J run grew by hundreds of MiB per epoch. JavaCPP's own
 * trigger ({@code org.bytedeco.javacpp.maxbytes}) does not see these buffers (libnd4j allocates
 * them itself), a smaller heap or young generation does not help (the objects get promoted and
 * then wait for an old-generation collection), but libnd4j counts them: this guard polls that
 * counter. A full collection with a heap of a few hundred MiB takes tens of milliseconds.
 *
 * <p>{@code Lab.setup()} starts it; {@value #THRESHOLD_PROPERTY} (MiB, system property) sets the
 * threshold, {@code 0} turns the guard off.
 */
public final class NativeMemory {

    /** System property: growth in MiB of ND4J's native bytes that triggers a collection; 0 = off. */
    public static final String THRESHOLD_PROPERTY = "bnlab.native.gc.mib";

    static final long DEFAULT_THRESHOLD_MIB = 256;
    private static final long POLL_MILLIS = 20;
    private static final long MIB = 1024 * 1024;

    private static volatile Thread thread;
    private static Method trimMemory;
    private static volatile int collections;
    private static volatile long collectionNanos;

    private NativeMemory() {}

    /** Starts the guard thread once (no-op when the threshold is 0); returns the threshold in MiB. */
    public static synchronized long guard() {
        long mib = thresholdMiB(System.getProperty(THRESHOLD_PROPERTY));
        if (mib > 0 && thread == null) {
            thread = new Thread(() -> watch(mib * MIB), "bnlab-native-memory");
            thread.setDaemon(true);
            thread.start();
        }
        return mib;
    }

    /** Bytes of ND4J's native buffers now, live or waiting for the collector (libnd4j's host counter). */
    public static long bytes() {
        return Nd4jCpu.Environment.getInstance().getGroupCounter(0);
    }

    /** Collections the guard has run. */
    public static int collections() {
        return collections;
    }

    /** Seconds the guard's collections took, in total (the pauses, not the wait for the deallocators). */
    public static double collectionSeconds() {
        return collectionNanos / 1e9;
    }

    /** One line for a report: the threshold and what the guard did. */
    public static String describe() {
        long mib = thresholdMiB(System.getProperty(THRESHOLD_PROPERTY));
        return mib == 0
                ? "native-memory guard off"
                : String.format(
                        Locale.ROOT,
                        "native-memory guard: a GC per %d MiB of ND4J growth " + "(%d so far, %.2f s)",
                        mib,
                        collections,
                        collectionSeconds());
    }

    static long thresholdMiB(String raw) {
        if (raw == null || raw.isBlank()) return DEFAULT_THRESHOLD_MIB;
        try {
            long v = Long.parseLong(raw.trim());
            if (v >= 0) return v;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(THRESHOLD_PROPERTY + " is '" + raw + "', expected MiB as a "
                + "whole number >= 0 (0 turns the guard off; default " + DEFAULT_THRESHOLD_MIB + ")");
    }

    /** True when {@code now} has grown past {@code floor} by {@code threshold} bytes. */
    static boolean due(long floor, long now, long threshold) {
        return now - floor >= threshold;
    }

    private static void watch(long threshold) {
        long floor = bytes(); // the lowest count since the last collection: the live memory then
        int seen = collections;
        while (true) {
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            long now = bytes();
            if (now < floor || collections != seen) {
                floor = now; // lower, or a collection (ours or the trainer's) has just run
                seen = collections;
            } else if (due(floor, now, threshold)) {
                floor = collectAndSettle();
                seen = collections;
            }
        }
    }

    /**
     * Runs the guard's collection now, if the guard is on: the {@link bnlab.train.Trainer} calls
     * it at the end of every epoch, so the memory it records is measured at the same point of the
     * guard's cycle each time (else it would show where in the sawtooth the epoch ended).
     */
    public static void collect() {
        if (thread != null) collectAndSettle();
    }

    private static synchronized long collectAndSettle() {
        long t0 = System.nanoTime();
        System.gc();
        collectionNanos += System.nanoTime() - t0;
        collections++;
        long live = settle();
        trim();
        return live;
    }

    /** Waits (at most ~0.5 s) for ND4J's deallocator threads to free what the collection found. */
    private static long settle() {
        long last = bytes();
        for (int i = 0; i < 25; i++) {
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            long now = bytes();
            if (now >= last) return now;
            last = now;
        }
        return last;
    }

    /** glibc's malloc_trim(0) through JavaCPP (private there in 1.5.7): freed pages back to the OS. */
    private static void trim() {
        try {
            if (trimMemory == null) {
                trimMemory = org.bytedeco.javacpp.Pointer.class.getDeclaredMethod("trimMemory");
                trimMemory.setAccessible(true);
            }
            trimMemory.invoke(null);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // not glibc, or JavaCPP changed: the collection alone still frees the buffers
        }
    }
}
