package bnlab.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Dropout's and the shifting noise's generator draws exactly what {@link SplittableRandom} draws from the same seed. */
class SplitMixTest {

    @Test
    void drawsWhatSplittableRandomDraws() {
        for (long seed : new long[] {0, 1, -1, 42, Long.MIN_VALUE, Long.MAX_VALUE, 0x5DEECE66DL}) {
            SplitMix ours = new SplitMix(seed);
            SplittableRandom java = new SplittableRandom(seed);
            for (int i = 0; i < 1000; i++) {
                assertEquals(java.nextLong(), ours.nextLong(), "seed " + seed + ", long " + i);
                assertEquals(
                        Double.doubleToRawLongBits(java.nextDouble()),
                        Double.doubleToRawLongBits(ours.nextDouble()),
                        "seed " + seed + ", double " + i);
            }
        }
    }
}
