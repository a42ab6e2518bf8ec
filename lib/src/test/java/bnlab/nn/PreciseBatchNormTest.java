package bnlab.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnlab.Tolerances;
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
                assertEquals(
                        mean[c],
                        bn.movingMean().getDouble(c),
                        Tolerances.FLOAT_LIBRARY,
                        "mean of channel " + c + ", fast " + fast);
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
            BatchNormTesting.assertClose(
                    ((BatchNorm) plain.get(i)).movingVar(),
                    ((BatchNorm) fast.get(i)).movingVar(),
                    Tolerances.FLOAT_NETWORK,
                    "moving variance of layer " + i);
            BatchNormTesting.assertClose(
                    ((BatchNorm) plain.get(i)).movingMean(),
                    ((BatchNorm) fast.get(i)).movingMean(),
                    Tolerances.FLOAT_NETWORK,
                    "moving mean of layer " + i);
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
        String msg = assertThrows(IllegalArgumentException.class, () -> PreciseBatchNorm.recompute(net, List.of(), 3))
                .getMessage();
        assertTrue(msg.contains("no input batches"), msg);
        assertThrows(IllegalArgumentException.class, () -> PreciseBatchNorm.recompute(net, batches(1, 4, 2), 0));
    }

    /**
     * Per-channel mean and biased variance of {@code x}, averaged over its virtual batches of
     * {@code v} examples with their sizes as weights (v = N: the batch's own statistics).
     */
    private static double[][] batchStatistics(INDArray x, int v) {
        int n = (int) x.size(0);
        int channels = (int) x.size(1);
        int[] axes = x.rank() == 2 ? new int[] {0} : new int[] {0, 2, 3};
        double[][] stats = new double[2][channels];
        for (int from = 0; from < n; from += v) {
            int to = Math.min(n, from + v);
            INDArray ghost = x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to))
                    .castTo(DataType.DOUBLE);
            INDArray m = ghost.mean(axes);
            INDArray var = ghost.var(false, axes);
            for (int c = 0; c < channels; c++) {
                stats[0][c] += m.getDouble(c) * (to - from) / n;
                stats[1][c] += var.getDouble(c) * (to - from) / n;
            }
        }
        return stats;
    }

    /** Every layer with moving statistics (not only BatchNorm) is recomputed, in both engines. */
    @Test
    void everyLayerWithMovingStatisticsIsRecomputedInBothEngines() {
        int checked = 0;
        for (LayerCatalog.Entry e : LayerCatalog.normalizations()) {
            if (((NormalizationLayer) e.make().get()).movingStatistics() == null) {
                continue;
            }
            for (boolean fast : new boolean[] {true, false}) {
                NormalizationLayer layer = (NormalizationLayer) e.make().get();
                Sequential net = new Sequential(new Sigmoid(), layer).useFastEngine(fast);
                net.eval();
                List<INDArray> xs = batches(3, e.inputShape());
                assertEquals(3, PreciseBatchNorm.recompute(net, xs, 3));
                int v = layer instanceof GhostBatchNorm g ? g.virtualBatchSize() : (int) e.inputShape()[0];
                double[] mean = new double[(int) e.inputShape()[1]];
                double[] var = new double[mean.length];
                for (INDArray x : xs) {
                    double[][] stats = batchStatistics(org.nd4j.linalg.ops.transforms.Transforms.sigmoid(x, true), v);
                    for (int c = 0; c < mean.length; c++) {
                        mean[c] += stats[0][c] / xs.size();
                        var[c] += stats[1][c] / xs.size();
                    }
                }
                String what = e + (fast ? ", fast engine" : ", ND4J");
                BatchNormTesting.assertClose(
                        mean,
                        BatchNormTesting.flat(layer.movingStatistics().mean()),
                        Tolerances.FLOAT_ROUNDED_ONCE,
                        what + ": moving mean");
                BatchNormTesting.assertClose(
                        var,
                        BatchNormTesting.flat(layer.movingStatistics().variance()),
                        Tolerances.FLOAT_ROUNDED_ONCE,
                        what + ": moving variance");
                assertFalse(layer.isTraining(), what + ": back in inference mode");
                if (layer instanceof BatchRenorm r) {
                    assertEquals(0, r.steps(), what + ": Precise BN's passes are not training steps");
                }
                checked++;
            }
        }
        assertTrue(checked >= 12, "BatchNorm (4 forms), GhostBatchNorm, BatchRenorm in two engines: " + checked);
    }

    /** Per-example norms keep no moving statistics and are passed over; nested networks are searched. */
    @Test
    void nestedNetworksAreSearchedAndPerExampleNormsLeftAlone() {
        BatchNorm bn = new BatchNorm(3, 2);
        Sequential net = new Sequential(new LayerNorm(3), new Sequential(new Linear(3, 3, true, Init.seeded(1)), bn));
        INDArray before = bn.movingMean().dup();
        PreciseBatchNorm.recompute(net, batches(2, 8, 3), 2);
        assertFalse(before.equals(bn.movingMean()), "the nested BatchNorm was recomputed");
        String msg = assertThrows(
                        IllegalArgumentException.class,
                        () -> PreciseBatchNorm.recompute(new Sequential(new GroupNorm(1, 3)), batches(1, 4, 3), 1))
                .getMessage();
        assertTrue(msg.contains("no layer with moving statistics"), msg);
    }

    /** Normalizing test batches with their own statistics changes no layer's moving statistics or step count. */
    @Test
    void batchStatisticsForEvaluationLeaveEveryLayerAsItWas() {
        for (LayerCatalog.Entry e : LayerCatalog.normalizations()) {
            NormalizationLayer layer = (NormalizationLayer) e.make().get();
            if (layer.movingStatistics() == null) {
                continue;
            }
            Sequential net = new Sequential(layer);
            net.eval();
            INDArray mean = layer.movingStatistics().mean().dup();
            INDArray x = batches(1, e.inputShape()).get(0);
            INDArray y = PreciseBatchNorm.withBatchStatistics(net, () -> net.forward(x));
            assertEquals(mean, layer.movingStatistics().mean(), e + ": moving mean untouched");
            assertFalse(layer.isTraining(), e + ": back in inference mode");
            if (!(layer instanceof BatchRenorm)) { // unclipped, renorm's training output is its inference output
                assertFalse(y.equalsWithEps(net.forward(x), 1e-3), e + ": the batch's own statistics were used");
            }
        }
    }
}
