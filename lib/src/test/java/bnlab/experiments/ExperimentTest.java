package bnlab.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnlab.data.Batch;
import bnlab.data.FashionMnist;
import bnlab.nn.Init;
import bnlab.nn.LeNet;
import bnlab.train.Classifier;
import bnlab.train.ScratchClassifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Experiments on real Fashion-MNIST slices: arms × seeds, summaries, repeatability, divergence. */
class ExperimentTest {

    private static FashionMnist data;

    @BeforeAll
    static void load() {
        data = FashionMnist.load(1024, 512);
    }

    private static ScratchClassifier leNet(String name, LeNet.Builder b, long seed, double lr) {
        return new ScratchClassifier(name, b.build(Init.seeded(seed)), lr);
    }

    @Test
    void armsAndSeedsAreSummarizedAndRunsRepeat() {
        Results r = Experiment.on(data)
                .epochs(2)
                .seeds(1, 2)
                .arm("BN", s -> leNet("BN", LeNet.builder(), s, 1.0))
                .arm("no BN", s -> leNet("no BN", LeNet.builder().noBatchNorm(), s, 1.0))
                .measure("one", c -> 1.0)
                .run();
        assertEquals(4, r.runs().size());
        assertEquals(2, r.table("test acc").rowCount());
        Summary bn = r.summary("BN", "test acc");
        assertEquals(2, bn.runs());
        assertEquals(0, bn.diverged());
        assertTrue(bn.min() <= bn.mean() && bn.mean() <= bn.max(), bn.toString());
        // After 8 steps the moving statistics still lean on their start (0.9^8 = 43%), so inference-mode
        // accuracy says little; the training accuracy of the steps themselves must beat chance.
        Summary trained = r.summary("BN", "train acc");
        assertTrue(trained.mean() > 0.3, "BN LeNet learns in 2 epochs on 1024 images: " + trained);
        assertArrayEquals(new double[] {1.0, 1.0}, r.last("no BN", "one"));
        Paired p = r.paired("BN", "no BN", "train acc");
        assertArrayEquals(new long[] {1, 2}, p.seeds());
        assertEquals(r.last("BN", "train acc")[1] - r.last("no BN", "train acc")[1], p.differences()[1], 0.0);
        assertEquals(2, r.summary("BN", Jumps.largestDrop("test acc", 1)).runs());
        assertArrayEquals(
                r.runs("BN").get(0).values("loss"),
                new double[] {
                    r.runs("BN").get(0).history().epochs().get(0).loss(),
                    r.runs("BN").get(0).last("loss")
                },
                0.0);
        assertTrue(
                r.describe().contains("2 epochs × 4 steps = 8 steps of batch 256 on 1,024 training images"),
                r.describe());
        assertTrue(r.html("test acc").contains("<caption>test acc after the last epoch, over seeds</caption>"));
        assertEquals(
                2,
                r.curves("test acc", "t").getSeriesMap().values().stream()
                        .filter(s -> s.isShowInLegend())
                        .count(),
                "a line per arm in the legend");
        Results again = Experiment.on(data)
                .epochs(2)
                .seeds(2)
                .arm("BN", s -> leNet("BN", LeNet.builder(), s, 1.0))
                .run();
        assertEquals(
                r.runs("BN").get(1).last("loss"),
                again.runs("BN").get(0).last("loss"),
                0.0,
                "the same seed gives the same run");
    }

    /** A network whose loss turns NaN, and one whose batch norm meets non-finite statistics. */
    private static Classifier failing(String name, boolean nanLoss) {
        ScratchClassifier real = leNet(name, LeNet.builder(), 1, 1.0);
        return new Classifier() {
            @Override
            public StepResult trainStep(Batch batch) {
                StepResult r = real.trainStep(batch);
                if (!nanLoss) {
                    throw new bnlab.nn.DivergenceException(
                            "batchNorm: the batch statistics of channel 0 are not usable");
                }
                return new StepResult(Double.NaN, r.correct(), r.examples());
            }

            @Override
            public int countCorrect(Batch batch) {
                return real.countCorrect(batch);
            }

            @Override
            public String name() {
                return name;
            }
        };
    }

    @Test
    void aDivergingRunIsRecordedNotDropped() {
        Results r = Experiment.on(data)
                .epochs(2)
                .seeds(1, 2)
                .arm("NaN loss", "s", 3, s -> failing("NaN loss", true))
                .arm("broken statistics", "s", 2, s -> failing("broken statistics", false))
                .arm("lr 1", "s", 1, s -> leNet("BN", LeNet.builder(), s, 1.0))
                .run();
        for (String arm : new String[] {"NaN loss", "broken statistics"}) {
            Run bad = r.runs(arm).get(0);
            assertTrue(bad.diverged(), arm + " is a diverged run");
            assertTrue(Double.isNaN(bad.last("test acc")));
            assertEquals(2, r.summary(arm, "test acc").diverged());
            assertTrue(r.summary(arm, "test acc").toString().startsWith("diverged in all 2 runs"));
        }
        assertTrue(
                r.runs("NaN loss").get(0).failure().contains("loss of epoch 1 is NaN"),
                r.runs("NaN loss").get(0).failure());
        assertFalse(r.runs("lr 1").get(0).diverged());
        assertEquals(
                1,
                r.sweep("train acc", "t", "lr", true).getSeriesMap().get("s").getXData().length,
                "the diverged points are left out of the sweep");
    }

    @Test
    void badSetupIsExplained() {
        assertThrows(IllegalStateException.class, () -> Experiment.on(data).run());
        assertThrows(IllegalArgumentException.class, () -> Experiment.on(data).seeds());
        Experiment e = Experiment.on(data).arm("a", s -> leNet("a", LeNet.builder(), s, 1));
        assertThrows(IllegalArgumentException.class, () -> e.arm("a", s -> leNet("a", LeNet.builder(), s, 1)));
    }
}
