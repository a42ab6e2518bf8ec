package bnlab.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnlab.data.Batch;
import bnlab.data.FashionMnist;
import bnlab.nn.BatchNorm;
import bnlab.nn.Init;
import bnlab.nn.LeNet;
import bnlab.nn.Sequential;
import bnlab.train.ScratchClassifier;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Refreshing the moving statistics at frozen weights (notebook 7's control for stale statistics). */
class EvaluationsTest {

    @Test
    void refreshingTheMovingStatisticsAtFrozenWeightsMeasuresAndPutsEverythingBack() {
        FashionMnist data = FashionMnist.load(512, 256);
        // Momentum 0: a refresh over one batch keeps exactly that batch's statistics, as Precise BN with k = 1 does.
        Sequential net = LeNet.builder().momentum(0.0).build(Init.seeded(4));
        ScratchClassifier c = new ScratchClassifier("BN", net, 1.0);
        for (Batch b : data.train().batches(256, 3)) {
            c.trainStep(b);
        }
        BatchNorm first = (BatchNorm) net.get(1);
        INDArray mean = first.movingMean().dup();
        INDArray var = first.movingVar().dup();
        double refreshed = Evaluations.afterRefreshingMovingStatistics(data.train(), 1, data.test())
                .applyAsDouble(c);
        double precise =
                Evaluations.afterPreciseBn(data.train(), 1, data.test()).applyAsDouble(c);
        assertEquals(precise, refreshed, "momentum 0 over one batch = that batch's statistics = Precise BN with k = 1");
        assertEquals(mean, first.movingMean(), "moving mean put back");
        assertEquals(var, first.movingVar(), "moving variance put back");
        assertTrue(net.isTraining(), "back in training mode");
        // With momentum 0 the old statistics do not matter: even absurd ones are replaced by the refresh.
        first.movingMean().addi(100);
        assertEquals(
                refreshed,
                Evaluations.afterRefreshingMovingStatistics(data.train(), 1, data.test())
                        .applyAsDouble(c));
        assertTrue(first.movingMean().getDouble(0) > 50, "and put back afterwards");
        assertThrows(
                IllegalArgumentException.class,
                () -> Evaluations.afterRefreshingMovingStatistics(data.train(), 0, data.test()));
    }

    @Test
    void aTrainedNetworksMeasurementPairsWithinAnArm() {
        FashionMnist data = FashionMnist.load(512, 256);
        Results r = Experiment.on(data)
                .epochs(1)
                .seeds(1, 2)
                .keepNetworks()
                .arm("BN", LeNet.builder(), 1.0)
                .run();
        var moving = Evaluations.ofTrainedNetwork(Evaluations.withMovingStatistics(data.test()));
        var precise = Evaluations.ofTrainedNetwork(Evaluations.afterPreciseBn(data.train(), 2, data.test()));
        Paired d = r.paired("BN", "moving", moving, "precise", precise);
        assertEquals(2, d.differences().length);
        for (int i = 0; i < 2; i++) {
            Run run = r.runs("BN").get(i);
            assertEquals(run.seed(), d.seeds()[i]);
            assertEquals(
                    run.last("test acc") - precise.applyAsDouble(run),
                    d.differences()[i],
                    1e-12,
                    "the moving statistics' accuracy is the test accuracy the trainer measured");
        }
        // A kept network gives its engine's working arrays back after each measurement.
        Sequential kept = (Sequential) ((ScratchClassifier) r.runs("BN").get(0).network()).net();
        var engine = kept.engine();
        Evaluations.ofTrainedNetwork(Evaluations.withMovingStatistics(data.test()))
                .applyAsDouble(r.runs("BN").get(0));
        assertTrue(kept.engine() != engine, "the engine was released (a new one is built on demand)");
        int[] calls = {0};
        var counted = Evaluations.ofTrainedNetwork(c -> ++calls[0]);
        r.summary("BN", counted);
        r.paired("BN", "a", counted, "b", counted);
        assertEquals(2, calls[0], "each network measured once");
        Results dropped = Experiment.on(data)
                .epochs(1)
                .seeds(1)
                .arm("BN", LeNet.builder(), 1.0)
                .run();
        assertThrows(
                IllegalStateException.class,
                () -> moving.applyAsDouble(dropped.runs().get(0)));
    }
}
