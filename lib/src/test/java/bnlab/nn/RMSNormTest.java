package bnlab.nn;

import bnlab.FiniteDifferences;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** RMSNorm's backward against finite differences, and its fast twin against the layer. */
class RMSNormTest {

    @Test
    void backwardMatchesFiniteDifferences() {
        Nd4j.getRandom().setSeed(3);
        FiniteDifferences.checkLayer(
                new RMSNorm(new long[] {7}, 1e-5, DataType.DOUBLE),
                Nd4j.randn(DataType.DOUBLE, 4, 7).addi(0.8),
                1);
        FiniteDifferences.checkLayer(
                new RMSNorm(new long[] {2, 3, 3}, 1e-5, DataType.DOUBLE),
                Nd4j.randn(DataType.DOUBLE, 3, 2, 3, 3).addi(-0.5),
                2);
    }

    @Test
    void theFastTwinAgrees() {
        for (long[] s : FastEngineTest.imageShapes(6)) {
            FastEngineTest.assertTwinAgrees(
                    () -> new RMSNorm(s[1], s[2], s[3]), s, "RMSNorm " + java.util.Arrays.toString(s));
        }
        for (int n : new int[] {1, 2, 33, 256}) {
            FastEngineTest.assertTwinAgrees(() -> new RMSNorm(150), new long[] {n, 150}, "RMSNorm(150) n=" + n);
        }
    }
}
