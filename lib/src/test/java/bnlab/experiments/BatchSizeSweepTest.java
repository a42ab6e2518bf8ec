package bnlab.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnlab.data.Batch;
import bnlab.data.FashionMnist;
import bnlab.data.ImageDataset;
import bnlab.nn.BatchNorm;
import bnlab.nn.Flatten;
import bnlab.nn.GhostBatchNorm;
import bnlab.nn.GroupNorm;
import bnlab.nn.Init;
import bnlab.nn.LeNet;
import bnlab.nn.Linear;
import bnlab.nn.Sequential;
import bnlab.train.ScratchClassifier;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Batch-size sweeps on a real Fashion-MNIST slice: same examples at every size, the lr rule, tables, merging. */
class BatchSizeSweepTest {

    private static final double EXACT = 1e-12;
    private static FashionMnist data;
    private static final Map<Integer, Long> stepsSeen = new ConcurrentHashMap<>();
    private static BatchSizeResults results;

    @BeforeAll
    static void train() {
        data = FashionMnist.load(128, 64);
        results = BatchSizeSweep.on(data)
                .batchSizes(32, 4)
                .seeds(1, 2)
                .keepNetworks()
                .learningRate(ScaledLearningRate.linear(1.0, 256))
                .arm("BN", LeNet.builder())
                .arm("GN", (b, steps) -> {
                    stepsSeen.put(b, steps);
                    return LeNet.builder().norm("GN", (c, d) -> new GroupNorm(2, c));
                })
                .arm("Ghost BN", b -> b > 8, (b, steps) -> LeNet.builder()
                        .norm("Ghost", (c, d) -> new GhostBatchNorm(c, d, 8)))
                .run();
    }

    @Test
    void theLearningRateRules() {
        assertEquals(1.0 / 128, ScaledLearningRate.linear(1.0, 256).at(2), EXACT);
        assertEquals(1.0, ScaledLearningRate.linear(1.0, 256).at(256), EXACT);
        assertEquals(0.5, ScaledLearningRate.squareRoot(1.0, 256).at(64), EXACT);
        assertEquals(0.4, ScaledLearningRate.linear(0.1, 32).at(128), EXACT);
        assertEquals(
                "lr = 1.0 · b/256 (linear scaling)",
                ScaledLearningRate.linear(1.0, 256).toString());
        assertThrows(IllegalArgumentException.class, () -> ScaledLearningRate.linear(0, 256));
        assertThrows(IllegalArgumentException.class, () -> ScaledLearningRate.linear(1, 256)
                .at(0));
    }

    @Test
    void everyRunSeesTheSameExamplesWithItsBatchSizesLearningRate() {
        assertArrayEquals(new int[] {4, 32}, results.batchSizes(), "sorted");
        assertArrayEquals(new int[] {32}, results.batchSizes("Ghost BN"));
        for (int b : results.batchSizes()) {
            for (Run r : results.at(b).runs("BN")) {
                assertEquals(128, r.history().last().examples(), "one pass over the 128 images at batch " + b);
                assertTrue(
                        r.network().toString().contains("Sgd(lr=" + b / 256.0),
                        r.network().toString());
            }
            assertEquals(b / 256.0, results.learningRate(b), EXACT);
        }
        assertEquals(Map.of(4, 32L, 32, 4L), Map.copyOf(stepsSeen), "the network is told how many steps its run takes");
        assertEquals(2, results.at(4).runs().size() / results.at(4).arms().size(), "two seeds");
        assertFalse(results.has("Ghost BN", 4, "test acc"));
        assertTrue(results.describe().contains("1 pass over the same 128 training images"), results.describe());
    }

    @Test
    void summariesTablesAndChartsReadTheRuns() {
        double[] bn = results.values("BN", 4, "test acc");
        double[] gn = results.values("GN", 4, "test acc");
        Summary d = results.difference("GN", "BN", 4, "test acc");
        assertEquals((gn[0] - bn[0] + gn[1] - bn[1]) / 2, d.mean(), EXACT);
        assertEquals(results.at(4).summary("BN", "train acc").mean(), results.mean("BN", 4, "train acc"), EXACT);
        int best = results.best("BN", "test acc");
        assertTrue(results.mean("BN", best, "test acc") >= results.mean("BN", best == 4 ? 32 : 4, "test acc"));

        var table = results.table("test acc");
        assertEquals(3, table.rowCount());
        assertEquals("–", table.stringColumn("b = 4").get(2), "Ghost BN was not trained at 4");
        assertTrue(table.stringColumn("b = 32").get(0).matches("0\\.\\d{3} ± 0\\.\\d{3}"), table.print());

        XYChart chart = results.chart("test acc", "t");
        assertEquals(
                3,
                chart.getSeriesMap().values().stream()
                        .filter(s -> s.isShowInLegend())
                        .count(),
                "one line per arm in the legend (their bars are series too, not in the legend)");
        double[] x = chart.getSeriesMap().get("Ghost BN").getXData();
        assertArrayEquals(new double[] {32}, x, EXACT, "x is the batch size, on a log axis");
        assertTrue(chart.getStyler().isXAxisLogarithmic());
        assertEquals("8", BatchSizeResults.powerOfTwo(3.0));
        assertEquals("", BatchSizeResults.powerOfTwo(2.5));
    }

    @Test
    void measurementsAfterTrainingJoinTheMetrics() {
        results.measureAfterTraining("one", "BN", b -> c -> b);
        assertArrayEquals(new double[] {4, 4}, results.values("BN", 4, "one"), EXACT);
        assertEquals(1, results.table("one").rowCount(), "only the measured arm");
        assertThrows(IllegalArgumentException.class, () -> results.values("GN", 4, "one"));
        BatchSizeResults forgotten = BatchSizeSweep.on(FashionMnist.load(16, 16))
                .batchSizes(8)
                .seeds(1)
                .arm("BN", LeNet.builder())
                .run();
        assertThrows(
                IllegalStateException.class,
                () -> forgotten.measureAfterTraining("one", "BN", b -> c -> b),
                "networks not kept: a clear error, not a NullPointerException");
        assertEquals(
                1,
                results.measurements("BN", "t", "y", "one", "test acc")
                                .getSeriesMap()
                                .get("one")
                                .getXData()
                                .length
                        - 1);
    }

    @Test
    void sweepsMergeOnlyWhenTheirSettingsMatch() {
        BatchSizeResults more = BatchSizeSweep.on(data)
                .batchSizes(4)
                .seeds(1, 2)
                .arm("LN", LeNet.builder().norm("LN", (c, d) -> new GroupNorm(1, c)))
                .run();
        BatchSizeResults all = results.with(more);
        assertEquals(java.util.List.of("BN", "GN", "Ghost BN", "LN"), all.arms());
        assertArrayEquals(new int[] {4}, all.batchSizes("LN"));
        assertEquals(results.mean("BN", 32, "test acc"), all.mean("BN", 32, "test acc"), EXACT);
        assertThrows(IllegalArgumentException.class, () -> all.with(more), "the same arm twice");
        BatchSizeResults oneSeed = BatchSizeSweep.on(data)
                .batchSizes(4)
                .seeds(1)
                .arm("IN", LeNet.builder())
                .run();
        assertThrows(IllegalArgumentException.class, () -> results.with(oneSeed));
    }

    @Test
    void aMinimumOfStepsGivesLargeBatchesMorePassesAndEachArmItsOwnRate() {
        // 128 images: 4 steps of 32, 32 steps of 4; at least 8 steps means 2 passes at 32, 1 at 4.
        BatchSizeSweep sweep = BatchSizeSweep.on(data)
                .batchSizes(4, 32)
                .seeds(1, 2)
                .minimumSteps(8)
                .arm("BN", LeNet.builder())
                .arm(
                        "GN",
                        LeNet.builder().norm("GN", (c, d) -> new GroupNorm(2, c)),
                        ScaledLearningRate.linear(2.0, 256));
        assertEquals(1, sweep.passes(4));
        assertEquals(2, sweep.passes(32));
        assertEquals(8, sweep.steps(32));
        BatchSizeResults r = sweep.run();
        assertEquals(2, r.passes(32));
        assertEquals(8, r.steps(32));
        assertEquals(32, r.steps(4));
        assertEquals(2, r.at(32).runs("GN").get(0).history().epochs().size(), "two epochs at batch 32");
        assertEquals(
                256,
                r.at(32).runs("BN").get(0).history().epochs().stream()
                        .mapToLong(e -> e.examples())
                        .sum());
        assertEquals(32 / 256.0, r.learningRate("BN", 32), EXACT);
        assertEquals(2 * 32 / 256.0, r.learningRate("GN", 32), EXACT);
        assertThrows(IllegalStateException.class, () -> r.learningRate(32), "the arms' rules differ");
        assertTrue(r.describe().contains("by batch size {4: 1, 32: 2}"), r.describe());
        assertTrue(r.describe().contains("GN lr = 2.0 · b/256"), r.describe());
        assertThrows(IllegalArgumentException.class, () -> results.with(r), "one pass at batch 32 there, two here");
    }

    /** By hand: means 0.70 and 0.74 are 0.04 apart: more than sd 0.01 + 0.02, less than 0.01 + 0.04. */
    @Test
    void summariesOverlapWhenTheirMeansAreCloserThanTheirSpreads() {
        Summary a = Summary.of("a", new double[] {0.69, 0.70, 0.71});
        Summary b = Summary.of("b", new double[] {0.72, 0.74, 0.76});
        Summary c = Summary.of("c", new double[] {0.70, 0.74, 0.78});
        assertFalse(a.overlaps(b), a + " vs " + b);
        assertTrue(a.overlaps(c), a + " vs " + c);
        assertTrue(c.overlaps(a), "symmetric");
    }

    @Test
    void batchSizesBelowTwoAreRefused() {
        assertThrows(
                IllegalArgumentException.class, () -> BatchSizeSweep.on(data).batchSizes(1, 4));
        assertThrows(IllegalStateException.class, () -> BatchSizeSweep.on(data).run());
    }

    /**
     * A network whose prediction is the argmax of batch-normalized logits: with batch statistics in
     * batches of b, each logit column is standardized within its batch of b, which we redo by hand.
     * (Not b = 2: two values standardize to ±1 and the argmax is a tie.)
     */
    @Test
    void batchStatisticsAreTakenOverTestBatchesOfTheGivenSize() {
        ImageDataset test = data.test();
        Linear linear = new Linear(784, 10, true, Init.seeded(3));
        ScratchClassifier c =
                new ScratchClassifier("linear-bn", new Sequential(new Flatten(), linear, new BatchNorm(10, 2)), 0.1);
        for (int b : new int[] {4, 16, 64}) {
            long correct = 0;
            for (Batch batch : test.batches(b)) {
                INDArray logits = linear.forward(batch.x().reshape(batch.size(), 784));
                INDArray z = logits.subRowVector(logits.mean(0))
                        .divRowVector(org.nd4j.linalg.ops.transforms.Transforms.sqrt(
                                logits.var(false, 0).add(1e-5)));
                int[] predicted = bnlab.nn.SoftmaxCrossEntropy.argmax(z);
                for (int i = 0; i < predicted.length; i++) {
                    correct += predicted[i] == batch.y()[i] ? 1 : 0;
                }
            }
            assertEquals(
                    (double) correct / test.size(),
                    Evaluations.withBatchStatistics(test, b).applyAsDouble(c),
                    1.5 / test.size(),
                    "batches of " + b + " (one near-tie may round the other way in float)");
        }
        assertThrows(IllegalArgumentException.class, () -> Evaluations.withBatchStatistics(test, 1));
        assertThrows(
                IllegalArgumentException.class,
                () -> Evaluations.withBatchStatistics(test.take(9), 4),
                "9 images in batches of 4 leave one alone");
    }
}
