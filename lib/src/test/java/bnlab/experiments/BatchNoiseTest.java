package bnlab.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnlab.data.FashionMnist;
import bnlab.nn.BatchNorm;
import bnlab.nn.Init;
import bnlab.nn.LeNet;
import bnlab.nn.Sequential;
import bnlab.train.ScratchClassifier;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fluctuation of batch statistics: σ/√m on values whose distribution we know, and reading a layer's input. */
class BatchNoiseTest {

    /** Sampling error of a spread estimated from 2 000 draws, averaged over 8 channels: about 1 %. */
    private static final double SAMPLING = 0.05;

    private static double[][] gaussian(int n, int channels, long seed) {
        Random r = new Random(seed);
        double[][] rows = new double[n][channels];
        for (double[] row : rows) {
            for (int j = 0; j < channels; j++) {
                row[j] = 3 + (j + 1) * r.nextGaussian();
            }
        }
        return rows;
    }

    @Test
    void theBatchMeanFluctuatesAsSigmaOverRootM() {
        BatchNoise noise = BatchNoise.measure(gaussian(20_000, 8, 1), new int[] {2, 8, 32, 128}, 2_000, 2);
        assertTrue(noise.largestDeviationFromTheory() < SAMPLING, noise.toString());
        for (int k = 0; k < 4; k++) {
            int m = noise.batchSizes()[k];
            assertEquals(1 / Math.sqrt(m), noise.meanNoise()[k], SAMPLING / Math.sqrt(m), noise.toString());
        }
        // Gaussian values: std(σ_B)/σ → 1/√(2m) for large m.
        assertEquals(1 / Math.sqrt(64), noise.stdNoise()[2], 0.1 / Math.sqrt(64), noise.toString());
        assertEquals(1 / Math.sqrt(256), noise.stdNoise()[3], 0.1 / Math.sqrt(256), noise.toString());
        assertEquals(8, noise.channels());
    }

    /** Two rows, batches of both: every batch has the same mean, and theory says √((N − m)/(m(N − 1))) = 0. */
    @Test
    void batchesOfTheWholePopulationDoNotFluctuate() {
        BatchNoise noise = BatchNoise.measure(new double[][] {{0, 5}, {2, 5}}, new int[] {2}, 10, 1);
        assertEquals(0, noise.meanNoise()[0], 1e-15);
        assertEquals(0, BatchNoise.expectedMeanNoise(2, 2), 1e-15);
        assertEquals(1, noise.channels(), "the constant channel is left out");
        assertEquals(Math.sqrt(2.0 / (8 * 9)), BatchNoise.expectedMeanNoise(8, 10), 1e-15, "N = 10, m = 8");
    }

    @Test
    void badRequestsAreRefused() {
        double[][] rows = gaussian(10, 2, 3);
        assertThrows(IllegalArgumentException.class, () -> BatchNoise.measure(rows, new int[] {11}, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> BatchNoise.measure(rows, new int[] {1}, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> BatchNoise.measure(rows, new int[] {2}, 1, 1));
        assertThrows(
                IllegalArgumentException.class,
                () -> BatchNoise.measure(new double[][] {{1}, {1}}, new int[] {2}, 5, 1));
    }

    @Test
    void readsWhatEntersANormalizationLayerAndLeavesTheNetworkAsFound() {
        FashionMnist data = FashionMnist.load(64, 8);
        Sequential net = LeNet.builder().build(Init.seeded(5));
        BatchNorm fc1 = (BatchNorm) net.get(10);
        double[] before = fc1.movingMean().toDoubleVector();
        double[][] rows = BatchNoise.inputs(new ScratchClassifier("x", net, 1), 2, data.train());
        assertEquals(64, rows.length);
        assertEquals(120, rows[0].length, "fc1 has 120 outputs");
        assertEquals(before[0], fc1.movingMean().toDoubleVector()[0], 0.0, "inference mode: no update");
        assertTrue(fc1.isTraining(), "back in training mode");
        assertThrows(
                IllegalArgumentException.class, () -> BatchNoise.inputs(net, 0, data.train()), "after a convolution");
        assertThrows(IllegalArgumentException.class, () -> BatchNoise.inputs(net, 4, data.train()), "there are 4");
        var chart = BatchNoise.chart("t", List.of(BatchNoise.measure(rows, new int[] {2, 4}, 20, 1)));
        assertEquals(
                4,
                chart.getSeriesMap().values().stream()
                        .filter(s -> s.isShowInLegend())
                        .count(),
                "two measured series (their bars hidden from the legend) and two formulas");
        bnlab.viz.Charts.image(chart);
    }
}
