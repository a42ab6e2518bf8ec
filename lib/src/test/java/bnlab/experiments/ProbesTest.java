package bnlab.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnlab.data.Batch;
import bnlab.data.FashionMnist;
import bnlab.nn.BatchNorm;
import bnlab.nn.Init;
import bnlab.nn.LeNet;
import bnlab.nn.Sequential;
import bnlab.nn.ShiftingNoise;
import bnlab.train.ScratchClassifier;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The instruments of the "why does it help" experiments: activation watch, noisy BN, landscape probe. */
class ProbesTest {

    private static FashionMnist data;
    private static Batch batch;

    @BeforeAll
    static void load() {
        data = FashionMnist.load(512, 256);
        batch = data.train().batches(256, 1).iterator().next();
    }

    @Test
    void theWatchRecordsEveryTrainingStepAndNoEvaluation() {
        Sequential net = LeNet.withBatchNorm(Init.seeded(1));
        ActivationWatch watch = ActivationWatch.sigmoidInputs(net, 0);
        assertEquals(4, watch.sigmoids().size());
        ScratchClassifier c = new ScratchClassifier("BN", net, 1.0);
        for (Batch b : data.train().batches(256, 1)) {
            c.trainStep(b);
        }
        c.countCorrect(batch);
        for (int i = 0; i < 4; i++) {
            List<ActivationWatch.Step> steps = watch.steps(i);
            assertEquals(2, steps.size(), "two training steps, the evaluation is not recorded");
            for (ActivationWatch.Step s : steps) {
                assertTrue(s.p15() <= s.p50() && s.p50() <= s.p85(), s.toString());
                assertTrue(s.saturated() >= 0 && s.saturated() <= 1);
            }
        }
        // With batch norm before it, the input of the last sigmoid has median near beta = 0 at the first step.
        assertTrue(
                Math.abs(watch.steps(3).get(0).p50()) < 0.5,
                watch.steps(3).get(0).toString());
        assertEquals(
                2,
                watch.saturation("t").getSeriesMap().values().iterator().next().getXData().length);
    }

    @Test
    void probePassesBetweenTrainingStepsAreNotRecordedAsSteps() {
        // 512 images in batches of 256: 2 steps per epoch; each epoch's landscape probe makes 3
        // more training-mode forward passes, which must not count as steps.
        Results r = Experiment.on(data)
                .epochs(2)
                .seeds(1)
                .watchSigmoids(0)
                .arm("BN", LeNet.builder(), 1.0)
                .measureAll(LossLandscape.NAMES, LossLandscape.measurements(batch, 0.5, 1))
                .run();
        ActivationWatch watch = r.runs().get(0).watch();
        for (int i = 0; i < 4; i++) {
            assertEquals(4, watch.steps(i).size(), "2 epochs × 2 steps; the probes are not steps");
        }
        assertEquals(4, watch.recordedSteps());

        // Matched training loss: the first epoch at or below a loss, and that epoch's steps.
        Run run = r.runs().get(0);
        double reached = MatchedLoss.reachedByAll(r, "BN");
        assertEquals(run.last("loss"), reached);
        assertTrue(MatchedLoss.metric("loss", reached).applyAsDouble(run) <= reached);
        assertEquals(1, MatchedLoss.epoch(run, Double.MAX_VALUE));
        assertEquals(0, MatchedLoss.epoch(run, -1));
        assertTrue(Double.isNaN(MatchedLoss.metric("test acc", -1).applyAsDouble(run)));
        assertEquals(
                watch.saturation(3, 0, 2),
                MatchedLoss.saturation(3, Double.MAX_VALUE).applyAsDouble(run));
        assertEquals(watch.rms(3, 0, 2), MatchedLoss.rms(3, Double.MAX_VALUE).applyAsDouble(run));
        assertTrue(watch.rms(3, 0, 4) > 0.1, "batch-normalized inputs have a scale near 1");

        Sequential net = LeNet.withBatchNorm(Init.seeded(1));
        ActivationWatch direct = ActivationWatch.sigmoidInputs(net, 0);
        ScratchClassifier c = new ScratchClassifier("BN", net, 1.0);
        c.trainStep(batch);
        direct.notRecording(() -> LossLandscape.probe(c, batch, 1.0));
        c.trainStep(batch);
        assertEquals(2, direct.recordedSteps(), "two training steps, the probe between them not recorded");
        direct.stop();
        c.trainStep(batch);
        assertEquals(2, direct.recordedSteps(), "nothing recorded after stop()");
    }

    @Test
    void percentilesBySelectionEqualThoseOfASortedCopy() {
        java.util.Random random = new java.util.Random(7);
        for (int n : new int[] {1, 2, 3, 10, 1000, 147_456}) {
            float[] values = new float[n];
            for (int i = 0; i < n; i++) {
                // half of them one repeated value, as a convolution's output over a blank background
                values[i] = random.nextBoolean() ? 0.25f : (float) random.nextGaussian();
            }
            float[] sorted = values.clone();
            java.util.Arrays.sort(sorted);
            for (double p : new double[] {0, 0.15, 0.5, 0.85, 1}) {
                double at = p * (n - 1);
                int lo = (int) Math.floor(at);
                double expected = sorted[lo] + (at - lo) * (sorted[Math.min(n - 1, lo + 1)] - sorted[lo]);
                assertEquals(expected, ActivationWatch.percentile(values.clone(), p), 1e-6, "n = " + n + ", p = " + p);
            }
        }
    }

    @Test
    void noisyBatchNormShiftsEveryStepDifferentlyAndNotAtInference() {
        ShiftingNoise noise = new ShiftingNoise(1.0, 2.0, Init.seeded(3));
        INDArray x = Nd4j.zeros(DataType.FLOAT, 64, 3, 4, 4);
        INDArray a = noise.forward(x);
        INDArray b = noise.forward(x);
        double meanA = a.meanNumber().doubleValue();
        double meanB = b.meanNumber().doubleValue();
        assertNotEquals(meanA, meanB, "a new noise distribution at every step");
        assertTrue(a.stdNumber().doubleValue() > 0.05, "the values are perturbed");
        assertEquals(x.dup(), noise.backward(x.dup()), "the gradient passes unchanged");
        noise.setTraining(false);
        assertEquals(x, noise.forward(x), "nothing is added in inference mode");
        Sequential noisy = LeNet.builder().noiseAfterBatchNorm(1, 2).build(Init.seeded(1));
        assertEquals(
                4,
                java.util.stream.IntStream.range(0, noisy.size())
                        .filter(i -> noisy.get(i) instanceof ShiftingNoise)
                        .count());
        assertTrue(
                noisy.get(2) instanceof ShiftingNoise && noisy.get(1) instanceof BatchNorm,
                "noise right after each batch norm");
    }

    @Test
    void theLandscapeProbeLeavesTheNetworkAsItFoundIt() {
        Sequential net = LeNet.withBatchNorm(Init.seeded(2));
        ScratchClassifier c = new ScratchClassifier("BN", net, 1.0);
        c.trainStep(batch);
        List<INDArray> before =
                net.parameters().stream().map(p -> p.value().dup()).toList();
        INDArray mean = ((BatchNorm) net.get(1)).movingMean().dup();
        LossLandscape.Probe p = LossLandscape.probe(c, batch, 0.25, 1, 4);
        assertTrue(p.lossRange() > 0 && p.gradientChange() > 0 && p.beta() > 0, p.toString());
        for (int i = 0; i < before.size(); i++) {
            assertEquals(before.get(i), net.parameters().get(i).value(), "weights put back");
        }
        assertEquals(mean, ((BatchNorm) net.get(1)).movingMean(), "moving statistics untouched");
        assertTrue(net.isTraining());
        // A zero step changes nothing: the loss range and the gradient change are 0.
        LossLandscape.Probe none = LossLandscape.probe(c, batch, 1e-12);
        assertTrue(none.lossRange() < 1e-6 && none.gradientChange() < 1e-4, none.toString());
        assertThrows(IllegalArgumentException.class, () -> LossLandscape.probe(c, batch));
    }

    @Test
    void measureAllRecordsSeveralNumbersOfOneComputation() {
        int[] calls = {0};
        Results r = Experiment.on(data)
                .epochs(2)
                .seeds(1)
                .arm("BN", LeNet.builder(), 1.0)
                .measureAll(new String[] {"a", "b"}, c -> new double[] {++calls[0], -calls[0]})
                .run();
        assertEquals(2, calls[0], "computed once per epoch");
        double[] a = r.runs().get(0).history().metric("a");
        double[] b = r.runs().get(0).history().metric("b");
        assertEquals(1, a[0]);
        assertEquals(-1, b[0]);
        assertEquals(2, a[1]);
        assertEquals(-2, b[1]);
        assertFalse(r.runs().get(0).diverged());
    }
}
