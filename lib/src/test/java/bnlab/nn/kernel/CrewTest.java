package bnlab.nn.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** The threads {@link Parallel#run} hands its parts to. */
class CrewTest {

    @Test
    void eachPartRunsOnceTheFirstOnTheCallerTheOthersOnTheWorkers() throws Exception {
        Crew crew = new Crew(2);
        for (int round = 0; round < 50; round++) {
            AtomicIntegerArray hits = new AtomicIntegerArray(10);
            String[] threads = new String[3];
            int[] starts = new int[3];
            assertTrue(crew.tryRun(10, 3, (part, from, to) -> {
                threads[part] = Thread.currentThread().getName();
                starts[part] = from;
                for (int i = from; i < to; i++) {
                    hits.incrementAndGet(i);
                }
            }));
            for (int i = 0; i < 10; i++) {
                assertEquals(1, hits.get(i), "item " + i);
            }
            assertArrayEquals(new int[] {0, 3, 6}, starts, "the parts Parallel.run makes: [0, 3), [3, 6), [6, 10)");
            assertEquals(Thread.currentThread().getName(), threads[0]);
            assertTrue(threads[1].startsWith("bnlab-worker-") && threads[2].startsWith("bnlab-worker-"));
            if (round % 10 == 9) {
                Thread.sleep(2); // longer than the workers spin: they went to sleep and must wake
            }
        }
        assertFalse(crew.tryRun(10, 4, (part, from, to) -> {}), "more parts than the caller and two workers");
    }

    @Test
    void aFailingPartFailsTheCallAfterEveryPartHasFinished() {
        Crew crew = new Crew(2);
        for (int failing = 0; failing < 3; failing++) {
            IllegalStateException thrown = new IllegalStateException("part failed");
            AtomicBoolean slowPartDone = new AtomicBoolean();
            int bad = failing;
            IllegalStateException seen = assertThrows(
                    IllegalStateException.class,
                    () -> crew.tryRun(3, 3, (part, from, to) -> {
                        if (part == bad) {
                            throw thrown;
                        }
                        sleep(20);
                        slowPartDone.set(true);
                    }));
            assertSame(thrown, seen, "the part's own exception, part " + failing);
            assertTrue(slowPartDone.get(), "the call returned before the other parts finished, part " + failing);
        }
        assertTrue(crew.tryRun(2, 2, (part, from, to) -> {}), "the crew works again after a failure");
    }

    @Test
    void aSecondCallerOrAPartThatSplitsAgainIsTurnedAwayNotBlocked() throws Exception {
        Crew crew = new Crew(1);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        boolean[] nested = new boolean[1];
        Thread first = new Thread(() -> crew.tryRun(2, 2, (part, from, to) -> {
            if (part == 1) {
                nested[0] = crew.tryRun(2, 2, (p, f, t) -> {});
                started.countDown();
                await(release);
            }
        }));
        first.start();
        assertTrue(started.await(10, TimeUnit.SECONDS));
        assertFalse(crew.tryRun(2, 2, (part, from, to) -> {}), "busy: another caller must go elsewhere");
        assertFalse(nested[0], "a part that splits its work again must go elsewhere");
        release.countDown();
        first.join(10_000);
        assertFalse(first.isAlive());
        // Parallel.run inside a part still runs every item (through the common pool).
        AtomicIntegerArray hits = new AtomicIntegerArray(4);
        Parallel.splitEverything(
                2,
                () -> Parallel.run(
                        2,
                        2,
                        (part, from, to) -> Parallel.run(2, 2, (p, f, t) -> {
                            for (int i = f; i < t; i++) {
                                hits.incrementAndGet(part * 2 + i);
                            }
                        })));
        for (int i = 0; i < 4; i++) {
            assertEquals(1, hits.get(i), "nested item " + i);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
