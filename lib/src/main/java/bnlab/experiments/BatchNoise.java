package bnlab.experiments;

import bnlab.data.Batch;
import bnlab.data.ImageDataset;
import bnlab.nn.Layer;
import bnlab.nn.NormalizationLayer;
import bnlab.nn.Sequential;
import bnlab.train.Classifier;
import bnlab.train.ScratchClassifier;
import bnlab.viz.Charts;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * How much a batch norm's statistics move from batch to batch, against the batch size m
 * (notebook 9). For one channel with population mean μ and standard deviation σ, the mean of m
 * values drawn at random has
 * <pre>
 *   std(μ_B) = σ / √m                          (σ/√m · √((N − m)/(N − 1)) drawing m of N without replacement)
 *   std(σ_B) ≈ σ · √((κ − 1) / (4m))           (κ the kurtosis; 1/√(2m) for Gaussian values)
 * </pre>
 * so every example's normalized value carries noise of relative size about 1/√m from the other
 * examples of its batch. {@link #inputs} reads what enters a normalization layer after a
 * fully-connected layer, one row per image; {@link #measure} draws batches of each size from those
 * rows and reports, averaged over the channels, std(μ_B)/σ and std(σ_B)/σ.
 *
 * @param batchSizes the batch sizes m
 * @param meanNoise  for each m, the mean over channels of std(μ_B)/σ
 * @param stdNoise   for each m, the mean over channels of std(σ_B)/σ (σ_B the biased batch std, as batch norm uses)
 * @param population how many rows the batches were drawn from
 * @param channels   channels averaged (those with σ &gt; 0)
 * @param draws      batches drawn per size
 */
public record BatchNoise(
        int[] batchSizes, double[] meanNoise, double[] stdNoise, int population, int channels, int draws) {

    /**
     * What enters the {@code norm}-th normalization layer of {@code net} (0 = the first) for every image,
     * one row per image, computed in inference mode (the network is put back in training mode after).
     * The layer must follow a fully-connected layer, whose output is (N, C).
     */
    public static double[][] inputs(Sequential net, int norm, ImageDataset images) {
        int layer = normalizationLayer(net, norm);
        List<double[]> rows = new ArrayList<>();
        net.observe(layer - 1, out -> {
            if (out.rank() != 2) {
                throw new IllegalArgumentException("normalization layer " + norm + " follows a convolution (input "
                        + Arrays.toString(out.shape()) + "); BatchNoise reads layers after a fully-connected layer, "
                        + "where a batch of m examples gives m values per channel");
            }
            double[][] block = out.castTo(DataType.DOUBLE).toDoubleMatrix();
            rows.addAll(Arrays.asList(block));
        });
        net.eval();
        try {
            for (Batch b : images.batches(256)) {
                net.forward(b.x());
                if (b.x().closeable()) {
                    b.x().close();
                }
            }
        } finally {
            net.observe(layer - 1, null);
            net.train();
            net.releaseEngine(); // a network kept after training: give its working arrays back
        }
        return rows.toArray(new double[0][]);
    }

    /** {@link #inputs(Sequential, int, ImageDataset)} of a network an {@link Experiment} trained. */
    public static double[][] inputs(Classifier network, int norm, ImageDataset images) {
        if (network instanceof ScratchClassifier m && m.net() instanceof Sequential s) {
            return inputs(s, norm, images);
        }
        throw new IllegalArgumentException(
                "BatchNoise reads networks of bnlab.nn layers in a Sequential, got " + network.name());
    }

    private static int normalizationLayer(Sequential net, int norm) {
        int seen = 0;
        for (int i = 0; i < net.size(); i++) {
            Layer m = net.get(i);
            if (m instanceof NormalizationLayer) {
                if (seen++ == norm) {
                    if (i == 0) {
                        throw new IllegalArgumentException(
                                "normalization layer " + norm + " is the network's first layer");
                    }
                    return i;
                }
            }
        }
        throw new IllegalArgumentException(
                "the network has " + seen + " normalization layers; there is no number " + norm + " (counting from 0)");
    }

    /**
     * Draws {@code draws} batches of each size m (m distinct rows each, as one shuffled epoch
     * gives) from {@code rows} and measures the relative fluctuation of the batch mean and of the
     * batch standard deviation, averaged over the channels.
     */
    public static BatchNoise measure(double[][] rows, int[] batchSizes, int draws, long seed) {
        int n = rows.length;
        if (n < 2) {
            throw new IllegalArgumentException("need at least 2 rows, got " + n);
        }
        if (draws < 2) {
            throw new IllegalArgumentException(
                    "need at least 2 draws per batch size to measure a spread, got " + draws);
        }
        int c = rows[0].length;
        double[] mu = new double[c];
        double[] sigma = new double[c];
        for (double[] r : rows) {
            for (int j = 0; j < c; j++) {
                mu[j] += r[j] / n;
            }
        }
        for (double[] r : rows) {
            for (int j = 0; j < c; j++) {
                sigma[j] += (r[j] - mu[j]) * (r[j] - mu[j]) / n;
            }
        }
        int used = 0;
        for (int j = 0; j < c; j++) {
            sigma[j] = Math.sqrt(sigma[j]);
            used += sigma[j] > 0 ? 1 : 0;
        }
        if (used == 0) {
            throw new IllegalArgumentException("every channel is constant: there is no spread to measure");
        }
        Random random = new Random(seed);
        int[] index = java.util.stream.IntStream.range(0, n).toArray();
        double[] meanNoise = new double[batchSizes.length];
        double[] stdNoise = new double[batchSizes.length];
        for (int k = 0; k < batchSizes.length; k++) {
            int m = batchSizes[k];
            if (m < 2 || m > n) {
                throw new IllegalArgumentException("batch size " + m + " must be between 2 and the " + n + " rows");
            }
            double[][] means = new double[draws][];
            double[][] stds = new double[draws][];
            for (int d = 0; d < draws; d++) {
                for (int i = 0; i < m; i++) {
                    int pick = i + random.nextInt(n - i);
                    int t = index[i];
                    index[i] = index[pick];
                    index[pick] = t;
                }
                means[d] = new double[c];
                stds[d] = new double[c];
                batchStatistics(rows, index, m, means[d], stds[d]);
            }
            meanNoise[k] = relativeSpread(means, sigma);
            stdNoise[k] = relativeSpread(stds, sigma);
        }
        return new BatchNoise(batchSizes.clone(), meanNoise, stdNoise, n, used, draws);
    }

    /** Mean and biased standard deviation of each channel over rows index[0..m). */
    private static void batchStatistics(double[][] rows, int[] index, int m, double[] mean, double[] std) {
        int c = mean.length;
        for (int i = 0; i < m; i++) {
            double[] r = rows[index[i]];
            for (int j = 0; j < c; j++) {
                mean[j] += r[j] / m;
            }
        }
        for (int i = 0; i < m; i++) {
            double[] r = rows[index[i]];
            for (int j = 0; j < c; j++) {
                std[j] += (r[j] - mean[j]) * (r[j] - mean[j]) / m;
            }
        }
        for (int j = 0; j < c; j++) {
            std[j] = Math.sqrt(std[j]);
        }
    }

    /** Mean over channels (σ &gt; 0) of std over draws of the statistic, divided by the channel's σ. */
    private static double relativeSpread(double[][] values, double[] sigma) {
        int draws = values.length;
        double sum = 0;
        int used = 0;
        for (int j = 0; j < sigma.length; j++) {
            if (sigma[j] == 0) {
                continue;
            }
            double avg = 0;
            for (double[] v : values) {
                avg += v[j] / draws;
            }
            double ss = 0;
            for (double[] v : values) {
                ss += (v[j] - avg) * (v[j] - avg);
            }
            sum += Math.sqrt(ss / (draws - 1)) / sigma[j];
            used++;
        }
        return sum / used;
    }

    /** std(μ_B)/σ for m of the population's N drawn without replacement: √((N − m)/(m (N − 1))). */
    public static double expectedMeanNoise(int m, int population) {
        return Math.sqrt((double) (population - m) / ((double) m * (population - 1)));
    }

    /** The largest |measured / expected − 1| of the batch mean's fluctuation over the batch sizes. */
    public double largestDeviationFromTheory() {
        double worst = 0;
        for (int k = 0; k < batchSizes.length; k++) {
            worst = Math.max(worst, Math.abs(meanNoise[k] / expectedMeanNoise(batchSizes[k], population) - 1));
        }
        return worst;
    }

    /**
     * The measured fluctuations of several networks (e.g. one per seed) against the batch size, on
     * log scales: points at the mean over the networks with bars from the lowest to the highest
     * (the title should say how many networks), and the curves 1/√m and 1/√(2m) dashed.
     */
    public static XYChart chart(String title, List<BatchNoise> networks) {
        if (networks.isEmpty()) {
            throw new IllegalArgumentException("give at least one measurement");
        }
        int[] m = networks.get(0).batchSizes();
        XYChart chart = Charts.lines(title, "batch size m (log scale)", "spread across batches ÷ σ (log scale)");
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(true);
        double[] x = Arrays.stream(m).asDoubleStream().toArray();
        series(chart, "std(μ_B)/σ", x, networks, BatchNoise::meanNoise);
        series(chart, "std(σ_B)/σ", x, networks, BatchNoise::stdNoise);
        theory(
                chart,
                "1/√m",
                x,
                Arrays.stream(m).mapToDouble(b -> 1 / Math.sqrt(b)).toArray());
        theory(
                chart,
                "1/√(2m) (Gaussian)",
                x,
                Arrays.stream(m).mapToDouble(b -> 1 / Math.sqrt(2.0 * b)).toArray());
        return chart;
    }

    /** A formula's curve: a dashed line without markers. */
    private static void theory(XYChart chart, String name, double[] x, double[] y) {
        XYSeries s = chart.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineStyle(SeriesLines.DASH_DASH);
        s.setLineColor(Charts.colour(name));
    }

    /** Points at the mean over the networks, bars from the lowest to the highest network. */
    private static void series(
            XYChart chart,
            String name,
            double[] x,
            List<BatchNoise> networks,
            java.util.function.Function<BatchNoise, double[]> values) {
        double[] mean = new double[x.length];
        double[] low = new double[x.length];
        double[] high = new double[x.length];
        for (int k = 0; k < x.length; k++) {
            final int at = k;
            double[] v = networks.stream().mapToDouble(b -> values.apply(b)[at]).toArray();
            mean[k] = Arrays.stream(v).average().orElse(Double.NaN);
            low[k] = Arrays.stream(v).min().orElse(Double.NaN);
            high[k] = Arrays.stream(v).max().orElse(Double.NaN);
        }
        XYSeries s = Charts.addRange(chart, name, name, x, mean, low, high);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BatchNoise b
                && Arrays.equals(batchSizes, b.batchSizes)
                && Arrays.equals(meanNoise, b.meanNoise)
                && Arrays.equals(stdNoise, b.stdNoise)
                && population == b.population
                && channels == b.channels
                && draws == b.draws;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(meanNoise) * 31 + Arrays.hashCode(stdNoise);
    }

    /** One line per batch size, e.g. "m =  16: std(μ_B)/σ 0.251 (×√m 1.00), std(σ_B)/σ 0.19". */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(String.format(
                java.util.Locale.ROOT,
                "batch statistics over %d batches per size, drawn from %,d examples, mean over %d channels%n",
                draws,
                population,
                channels));
        for (int k = 0; k < batchSizes.length; k++) {
            s.append(String.format(
                    java.util.Locale.ROOT,
                    "m = %3d: std(μ_B)/σ %.3f (× √m: %.2f), std(σ_B)/σ %.3f%n",
                    batchSizes[k],
                    meanNoise[k],
                    meanNoise[k] * Math.sqrt(batchSizes[k]),
                    stdNoise[k]));
        }
        return s.toString();
    }
}
