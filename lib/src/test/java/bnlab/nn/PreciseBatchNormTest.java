package bnlab.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Precise BN: equal-weight averages of the batch statistics, nothing trained, modes restored. */
class PreciseBatchNormTest {

    private static List<INDArray> batches(int count, long... shape) {
        List<INDArray> list = new ArrayList<>();
        Nd4j.getRandom().setSeed(4);
        for (int i = 0; i < count; i++) {
            list.add(Nd4j.randn(DataType.FLOAT, shape).muli(i + 1).addi(i));
        }
        return list;
    }

    /** A batch norm on the input itself: its batch statistics are the inputs' column means and variances. */
    @Test
    void theStatisticsAreThePlainAveragesOfTheBatchStatistics() {
        for (boolean fast : new boolean[] {true, false}) {
            BatchNorm bn = new BatchNorm(3, 2);
            Linear after = new Linear(3, 2);
            Sequential net = new Sequential(bn, after).useFastEngine(fast);
            net.eval();
            INDArray weights = after.weight().dup();
            List<INDArray> xs = batches(5, 40, 3);
            int used = PreciseBatchNorm.recompute(net, xs, 4);
            assertEquals(4, used);
            double[] mean = new double[3];
            double[] var = new double[3];
            for (INDArray x : xs.subList(0, 4)) {
                INDArray m = x.mean(0);
                INDArray v = x.var(false, 0);
                for (int c = 0; c < 3; c++) {
                    mean[c] += m.getDouble(c) / 4;
                    var[c] += v.getDouble(c) / 4;
                }
            }
            for (int c = 0; c < 3; c++) {
                assertEquals(mean[c], bn.movingMean().getDouble(c), 1e-5, "mean of channel " + c + ", fast " + fast);
                assertEquals(var[c], bn.movingVar().getDouble(c), 1e-4 * var[c], "variance of channel " + c);
            }
            assertFalse(bn.isTraining(), "back in inference mode");
            assertEquals(weights, after.weight(), "weights untouched");
        }
    }

    @Test
    void bothEnginesRecomputeTheSameStatisticsInLeNet() {
        Sequential fast = LeNet.withBatchNorm(Init.seeded(3));
        Sequential plain = LeNet.withBatchNorm(Init.seeded(3)).useFastEngine(false);
        List<INDArray> xs = batches(3, 16, 1, 28, 28);
        PreciseBatchNorm.recompute(fast, xs, 3);
        PreciseBatchNorm.recompute(plain, xs, 3);
        for (int i : new int[] {1, 5, 10, 13}) {
            BatchNormTesting.assertClose(((BatchNorm) plain.get(i)).movingVar(), ((BatchNorm) fast.get(i)).movingVar(),
                    1e-4, "moving variance of layer " + i);
            BatchNormTesting.assertClose(((BatchNorm) plain.get(i)).movingMean(), ((BatchNorm) fast.get(i)).movingMean(),
                    1e-4, "moving mean of layer " + i);
        }
        assertTrue(((BatchNorm) fast.get(1)).isTraining(), "a network in training mode stays in training mode");
        // Ordinary training afterwards uses the moving average again.
        INDArray before = ((BatchNorm) fast.get(1)).movingMean().dup();
        fast.forward(xs.get(0));
        assertFalse(before.equals(((BatchNorm) fast.get(1)).movingMean()), "moving average updated again");
    }

    @Test
    void badArgumentsAreExplained() {
        Sequential noNorm = new Sequential(new Linear(2, 2));
        assertThrows(IllegalArgumentException.class, () -> PreciseBatchNorm.recompute(noNorm, batches(1, 4, 2), 1));
        Sequential net = new Sequential(new BatchNorm(2, 2));
        String msg = assertThrows(IllegalArgumentException.class, () -> PreciseBatchNorm.recompute(net, List.of(), 3)).getMessage();
        assertTrue(msg.contains("no input batches"), msg);
        assertThrows(IllegalArgumentException.class, () -> PreciseBatchNorm.recompute(net, batches(1, 4, 2), 0));
    }
}
