package bnlab.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnlab.data.FashionMnist;
import bnlab.nn.Init;
import bnlab.nn.LeNet;
import bnlab.nn.Sequential;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** The learning-rate sweep: its refinement scale, the failure criterion, and a small real sweep. */
class RateSweepTest {

    @Test
    void refinesInHalfDecades() {
        assertArrayEquals(new double[] {3}, RateSweep.between(1, 10));
        assertArrayEquals(new double[] {0.03}, RateSweep.between(0.01, 0.1));
        assertArrayEquals(new double[] {30}, RateSweep.between(10, 100));
        assertArrayEquals(new double[] {3, 10, 30}, RateSweep.between(1, 100));
        assertArrayEquals(new double[] {}, RateSweep.between(3, 10));
    }

    @Test
    void aSmallSweepFindsWhereEachNetworkFails() {
        // 4 steps per run: batch norm trains at lr 1; at lr 1000 the last linear layer (no batch
        // norm after it) blows the loss up; the plain network is still on its plateau everywhere.
        FashionMnist data = FashionMnist.load(1024, 256);
        RateSweep sweep = RateSweep.of(
                        () -> Experiment.on(data).epochs(1).seeds(1, 2).xavierInit())
                .series("with batch norm", "BN", LeNet.builder())
                .series("without batch norm", "no BN", LeNet.builder().noBatchNorm())
                .run(1, 1000);
        FailureCriterion c = sweep.criterion();
        Run bnAt1 = sweep.results().runs("BN, lr 1.0").get(0);
        assertNull(c.failure(bnAt1), "BN at lr 1 trains in 4 steps: " + bnAt1.last("loss"));
        Run bnHuge = sweep.results().runs("BN, lr 1000.0").get(0);
        assertFalse(c.trains(bnHuge), "lr 1000: loss " + bnHuge.last("loss"));
        assertTrue(sweep.largestThatTrains("with batch norm", 1) >= 1.0);
        assertTrue(sweep.best("with batch norm", 2) >= 1.0);
        assertTrue(
                Double.isNaN(sweep.largestThatTrains("without batch norm", 1)),
                "the plain net does not train in 4 steps");
        // refined between 1 and 100 for the BN series only
        assertTrue(sweep.results().arms().stream().anyMatch(a -> a.name().equals("BN, lr 3.0")));
        assertTrue(sweep.results().arms().stream().noneMatch(a -> a.name().equals("no BN, lr 3.0")));
        assertEquals(2 * 2, sweep.table().rowCount());
        assertTrue(sweep.figure("t").getSeriesMap().containsKey("failure: final loss ≥ ln 10"));
        assertThrows(IllegalArgumentException.class, () -> sweep.rates("other"));
    }

    @Test
    void sigmoidInputsAreMeasuredWithoutChangingTheNetwork() {
        Sequential net = LeNet.builder().build(Init.seeded(3));
        var x = Nd4j.rand(DataType.FLOAT, 8, 1, 28, 28);
        var bn = (bnlab.nn.BatchNorm) net.get(1);
        var before = bn.movingMean().dup();
        SigmoidInputs s = SigmoidInputs.measure(net, x);
        assertEquals(4, s.stats().size());
        assertEquals(before, bn.movingMean(), "the moving statistics are untouched");
        for (var st : s.stats()) {
            // after a batch norm with γ = 1, β = 0 the inputs are standardized: about 5 % beyond ±1.96
            assertTrue(st.p5() < 0 && st.p95() > 0 && st.saturated() < 0.05, st.toString());
        }
        SigmoidInputs.Stats hand = SigmoidInputs.stats("s", new float[] {-4, -1, 0, 1, 3});
        assertEquals(0.4, hand.saturated(), 1e-12); // −4 and 3 are beyond ln 19 ≈ 2.94
        assertEquals(0, hand.p50(), 1e-12);
        assertThrows(
                IllegalArgumentException.class, () -> SigmoidInputs.measure(new Sequential(new bnlab.nn.Flatten()), x));
    }

    @Test
    void preciseBnOfANetworkWithoutBatchNormIsItsInferenceAccuracy() {
        FashionMnist data = FashionMnist.load(512, 256);
        var plain = new bnlab.train.ScratchClassifier(
                "plain", LeNet.builder().noBatchNorm().build(Init.seeded(5)), 1.0);
        assertEquals(
                Evaluations.withMovingStatistics(data.test()).applyAsDouble(plain),
                Evaluations.afterPreciseBn(data.train(), 2, data.test()).applyAsDouble(plain),
                0.0);
    }
}
