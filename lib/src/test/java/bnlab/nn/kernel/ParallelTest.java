package bnlab.nn.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnlab.ChildJvm;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** How work is split across threads, and how the thread count is read. */
class ParallelTest {

    @Test
    void aThreadCountMustBeAWholeNumberOfAtLeastOne() {
        assertNull(Parallel.problem(null), "not set: the cores");
        assertNull(Parallel.problem("2"));
        assertNull(Parallel.problem(" 3 "));
        for (String bad : new String[] {"0", "-1", "abc", "1.5", ""}) {
            String msg = Parallel.problem(bad);
            assertTrue(msg.startsWith("-Dbnlab.threads=" + bad + " is not a usable number of threads"), msg);
            assertTrue(
                    msg.contains("whole number of at least 1") && msg.contains("Remove the option or set e.g."), msg);
        }
    }

    /** In a JVM started with a bad value, the first network says so (it used to fail later with "null"). */
    @Test
    void aBadThreadCountIsReportedByTheFirstNetwork() throws Exception {
        for (String bad : new String[] {"0", "abc"}) {
            String out = ChildJvm.run(
                    ThreadsProbe.class, List.of("-Dbnlab.threads=" + bad, "--add-modules=jdk.incubator.vector"));
            assertTrue(
                    out.contains("IllegalArgumentException: -Dbnlab.threads=" + bad + " is not a usable number"), out);
        }
    }

    @Test
    void partsAreContiguousCoverEverythingOnceAndFollowTheWork() {
        Parallel.splitEverything(3, () -> {
            assertEquals(3, Parallel.parts(10, 1));
            assertEquals(2, Parallel.parts(2, 1), "never more parts than items");
            AtomicIntegerArray hits = new AtomicIntegerArray(10);
            int[] starts = new int[3];
            Parallel.run(10, 3, (part, from, to) -> {
                starts[part] = from;
                for (int i = from; i < to; i++) {
                    hits.incrementAndGet(i);
                }
            });
            for (int i = 0; i < 10; i++) {
                assertEquals(1, hits.get(i), "item " + i);
            }
            assertArrayEquals(new int[] {0, 3, 6}, starts, "parts of 10 in 3: [0, 3), [3, 6), [6, 10)");
        });
        assertEquals(1, Parallel.parts(1000, 1), "a thousand floats of work is not worth a second thread");
        int[] parts = new int[1];
        Parallel.alone(() -> parts[0] = Parallel.parts(1 << 20, 1 << 20));
        assertEquals(1, parts[0], "alone: one part however much work");
    }
}
