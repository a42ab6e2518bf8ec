package bnlab.data;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a stream that makes no progress for too long, which ends a read blocked on it.
 *
 * <p>HttpClient's request timeout stops counting once the response headers arrive, so a server
 * that goes silent mid-body would block a download forever. (Interrupting the reader does not
 * help in Java 17: the response stream ignores interrupts; closing it cancels the transfer.)
 */
final class StallWatchdog implements AutoCloseable {

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bnlab-download-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final Closeable stream;
    private final long limitNanos;
    private final ScheduledFuture<?> task;
    private volatile long lastProgress = System.nanoTime();
    private volatile boolean fired;

    /** Starts watching {@code stream}; call {@link #progress()} after every chunk read. */
    StallWatchdog(Closeable stream, Duration limit) {
        this.stream = stream;
        this.limitNanos = limit.toNanos();
        long period = Math.max(10, limit.toMillis() / 4);
        this.task = TIMER.scheduleAtFixedRate(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    void progress() {
        lastProgress = System.nanoTime();
    }

    /** Whether the watchdog closed the stream. */
    boolean fired() {
        return fired;
    }

    private void check() {
        if (!fired && System.nanoTime() - lastProgress > limitNanos) {
            fired = true;
            task.cancel(false);
            try {
                stream.close();
            } catch (IOException e) {
                // closing is best effort; the reader then fails on its own timeout or EOF
            }
        }
    }

    @Override
    public void close() {
        task.cancel(false);
    }
}
