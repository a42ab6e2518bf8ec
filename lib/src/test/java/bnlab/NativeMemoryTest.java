package bnlab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class NativeMemoryTest {

    /** With the guard at 32 MiB, 512 MiB of dropped arrays never pile up; without it they all wait for a GC. */
    @Test
    void guardKeepsDroppedArraysFromPilingUp() throws IOException, InterruptedException {
        long[] on = probe(32);
        assertTrue(on[2] >= 4, "the guard collected only " + on[2] + " times");
        assertTrue(on[0] < 32 + 160, "largest count " + on[0] + " MiB with the guard at 32 MiB");
        assertTrue(on[1] < 32 + 96, "final count " + on[1] + " MiB with the guard at 32 MiB");
        long[] off = probe(0);
        assertEquals(0, off[2]);
        assertTrue(off[1] > 400, "without the guard " + off[1] + " MiB of garbage should remain");
    }

    @Test
    void thresholdIsReadWithAClearError() {
        assertEquals(NativeMemory.DEFAULT_THRESHOLD_MIB, NativeMemory.thresholdMiB(null));
        assertEquals(0, NativeMemory.thresholdMiB(" 0 "));
        var e = assertThrows(IllegalArgumentException.class, () -> NativeMemory.thresholdMiB("-5"));
        assertTrue(e.getMessage().contains(NativeMemory.THRESHOLD_PROPERTY), e.getMessage());
    }

    /** {max MiB, final MiB, collections} of a child JVM running {@link NativeMemoryProbe}. */
    private static long[] probe(long thresholdMiB) throws IOException, InterruptedException {
        String out = ChildJvm.run(
                NativeMemoryProbe.class, List.of("-D" + NativeMemory.THRESHOLD_PROPERTY + "=" + thresholdMiB));
        Matcher m =
                Pattern.compile("max=(\\d+) final=(\\d+) collections=(\\d+)").matcher(out);
        assertTrue(m.find(), out);
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))};
    }
}
