package bnlab.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The jump metric (swing around the local trend) and paired per-seed differences. */
class JumpsTest {

    private static final double TOLERANCE = 1e-12;

    @Test
    void aSteadyClimbDoesNotJump() {
        // The case the old mean |Δ| got wrong: a climb of 0.118 per epoch counted as a jump of 0.118.
        double[] climb = {0.30, 0.418, 0.536, 0.654, 0.772};
        assertEquals(0, Jumps.aroundTrend(climb, 1), TOLERANCE);
        assertEquals(0, Jumps.largestDrop(climb, 1), TOLERANCE);
    }

    @Test
    void oneDipByHand() {
        // 0.8 0.8 0.7 0.8 0.8: residuals 0 | +0.05, −0.1, +0.05 | → Σr² = 0.015 over m = 3
        double[] dip = {0.8, 0.8, 0.7, 0.8, 0.8};
        assertEquals(Math.sqrt(0.015 / (1.5 * 3)), Jumps.aroundTrend(dip, 1), TOLERANCE);
        assertEquals(0.1, Jumps.largestDrop(dip, 1), TOLERANCE);
        // From epoch 3 on: epochs 3..5, one residual at epoch 4: 0.8 − (0.7 + 0.8)/2 = 0.05
        assertEquals(Math.sqrt(0.05 * 0.05 / 1.5), Jumps.aroundTrend(dip, 3), TOLERANCE);
        assertEquals(0, Jumps.largestDrop(dip, 3), TOLERANCE);
    }

    @Test
    void estimatesTheSwingAroundABendingCurve() {
        // A saturating learning curve plus independent swings of sd 0.02: the metric recovers 0.02.
        SplittableRandom random = new SplittableRandom(7);
        double sigma = 0.02;
        double[] v = new double[4000];
        for (int e = 0; e < v.length; e++) {
            double z = Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
            v[e] = 0.9 - 0.5 * Math.exp(-e / 400.0) + sigma * z;
        }
        assertEquals(sigma, Jumps.aroundTrend(v, 1), 0.1 * sigma);
    }

    @Test
    void tooFewEpochsAreRefusedWithTheFix() {
        String msg = assertThrows(IllegalArgumentException.class, () -> Jumps.aroundTrend(new double[] {1, 2, 3}, 2))
                .getMessage();
        assertTrue(msg.contains("at least 3 epochs") && msg.contains("train longer"), msg);
        assertThrows(IllegalArgumentException.class, () -> Jumps.of("test acc", 0));
    }

    @Test
    void pairedDifferencesClaimOnlyWhenEverySeedAgrees() {
        long[] seeds = {1, 2, 3};
        Paired up = Paired.of(
                "a", seeds, new double[] {0.5, 0.6, 0.7}, "b", new long[] {3, 2, 1}, new double[] {0.6, 0.5, 0.4});
        assertArrayEquals(new double[] {0.1, 0.1, 0.1}, up.differences(), TOLERANCE);
        assertTrue(up.aAbove());
        assertEquals("higher", up.verdict("higher", "lower"));
        Paired mixed = Paired.of("a", seeds, new double[] {0.5, 0.6, 0.7}, "b", seeds, new double[] {0.4, 0.7, 0.6});
        assertFalse(mixed.agrees());
        assertEquals("no measurable difference", mixed.verdict("higher", "lower"));
        assertTrue(mixed.toString().contains("signs differ"), mixed.toString());
        Paired diverged =
                Paired.of("a", seeds, new double[] {Double.NaN, 0.2, 0.3}, "b", seeds, new double[] {0.5, 0.5, 0.5});
        assertEquals(1, diverged.leftOut());
        assertTrue(diverged.aBelow());
        Paired one = Paired.of("a", new long[] {1}, new double[] {2}, "b", new long[] {1}, new double[] {1});
        assertFalse(one.agrees(), "one seed is not evidence");
        assertThrows(
                IllegalArgumentException.class,
                () -> Paired.of("a", new long[] {1}, new double[] {1}, "b", new long[] {2}, new double[] {1}));
    }
}
