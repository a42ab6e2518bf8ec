package bnlab.nn.kernel;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The threads {@link Parallel#run} hands parts to: one per extra core, each waiting for its next
 * part for a short while (yielding the core to any other thread that wants it) before it sleeps.
 * A training step hands work over about 30 times, often only microseconds apart; the common
 * fork-join pool's workers went to sleep in between and each had to be woken (on a 2-core
 * virtual machine, LeNet-BN trained 1.2 to 1.3 times faster with the crew, steps alternated
 * between the two in one JVM). Yielding rather than spinning matters while a JVM warms up: a
 * spinning worker kept the JIT compiler's threads from the second core. The caller runs part 0
 * itself. One caller at a time: another caller, or a part that splits work again, gets
 * {@code false} and goes through the common pool instead. Which thread runs a part never
 * changes what it computes. {@code -Dbnlab.crew=false} turns the crew off (to compare).
 */
final class Crew {

    /** How long a worker spins waiting for its next part before it sleeps. */
    static final long SPIN_NANOS = 200_000;

    /** Whether {@link Parallel#run} uses the crew (tests and benchmarks compare it with the common pool). */
    static volatile boolean enabled = !"false".equals(System.getProperty("bnlab.crew"));

    private static Crew crew;

    private final Worker[] workers;
    private final AtomicBoolean busy = new AtomicBoolean();

    Crew(int size) {
        workers = new Worker[size];
        for (int i = 0; i < size; i++) {
            workers[i] = new Worker("bnlab-worker-" + (i + 1));
            workers[i].start();
        }
    }

    /** The crew for {@code threads} threads (the caller and threads − 1 workers), made when first needed. */
    static synchronized Crew of(int threads) {
        if (crew == null || crew.workers.length < threads - 1) {
            crew = new Crew(threads - 1);
        }
        return crew;
    }

    /**
     * Runs parts 1 .. parts − 1 of {@code body} on the workers and part 0 here, and returns when
     * all are done (rethrowing the first failure, by part); false, without running anything, when
     * the crew is busy or too small.
     */
    boolean tryRun(int count, int parts, Parallel.Part body) {
        if (parts - 1 > workers.length || !busy.compareAndSet(false, true)) {
            return false;
        }
        try {
            for (int p = 1; p < parts; p++) {
                workers[p - 1].hand(p, from(count, parts, p), from(count, parts, p + 1), body);
            }
            Throwable failure = null;
            try {
                body.run(0, 0, from(count, parts, 1));
            } catch (RuntimeException | Error e) {
                failure = e;
            }
            for (int p = 1; p < parts; p++) {
                Throwable t = workers[p - 1].await();
                if (failure == null) {
                    failure = t;
                }
            }
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            return true;
        } finally {
            busy.set(false);
        }
    }

    private static int from(int count, int parts, int p) {
        return (int) ((long) count * p / parts);
    }

    private static final class Worker extends Thread {

        private volatile Parallel.Part body;
        private volatile boolean sleeping;
        private volatile boolean done;
        private int part;
        private int from;
        private int to;
        private Throwable failure;

        Worker(String name) {
            super(name);
            setDaemon(true);
        }

        void hand(int part, int from, int to, Parallel.Part body) {
            this.part = part;
            this.from = from;
            this.to = to;
            this.failure = null;
            this.done = false;
            this.body = body;
            if (sleeping) {
                LockSupport.unpark(this);
            }
        }

        /** Waits for the part handed over last; its failure, or null. */
        Throwable await() {
            long start = System.nanoTime();
            for (int i = 1; !done; i++) {
                if ((i & 63) == 0 && System.nanoTime() - start > SPIN_NANOS) {
                    LockSupport.parkNanos(20_000);
                } else {
                    Thread.yield();
                }
            }
            return failure;
        }

        @Override
        public void run() {
            while (true) {
                Parallel.Part b = next();
                try {
                    b.run(part, from, to);
                } catch (Throwable t) {
                    failure = t;
                }
                body = null;
                done = true;
            }
        }

        private Parallel.Part next() {
            long start = System.nanoTime();
            Parallel.Part b;
            for (int i = 1; (b = body) == null; i++) {
                if ((i & 63) == 0 && System.nanoTime() - start > SPIN_NANOS) {
                    sleeping = true;
                    if (body == null) {
                        LockSupport.park(this);
                    }
                    sleeping = false;
                    start = System.nanoTime();
                } else {
                    // Yield, not a pure spin: on two cores, a spinning worker starved the JIT
                    // compiler's threads while a new JVM warmed up.
                    Thread.yield();
                }
            }
            return b;
        }
    }
}
