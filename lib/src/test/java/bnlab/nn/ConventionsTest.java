package bnlab.nn;

import static bnlab.nn.BatchNormTorchTest.doubles;
import static bnlab.nn.BatchNormTorchTest.longs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnlab.Tolerances;
import bnlab.nn.Conventions.Convention;
import bnlab.nn.Conventions.RunningVariance;
import bnlab.nn.Conventions.Weighs;
import java.io.IOException;
import java.util.function.DoubleBinaryOperator;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.shade.jackson.databind.JsonNode;
import tech.tablesaw.api.Table;

/**
 * Every row of {@link Conventions}, checked: ours and DL4J's by running the layer from a known
 * state on a known batch and reading what it stored; PyTorch's against the running statistics
 * PyTorch 2.15 recorded in {@code torch-norm-cases.json}; the others (not on our class path)
 * against their source, quoted with its address. One step from (mean 0, variance v₀) on a batch
 * with mean μ and biased variance σ² must leave w·0 + (1 − w)·μ and w·v₀ + (1 − w)·σ²
 * (σ²·m/(m − 1) where the row says unbiased); a row with the weight or the variance the wrong
 * way round fails.
 */
class ConventionsTest {

    private static INDArray batch(long seed, long... shape) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.DOUBLE, shape).muli(3).addi(1);
    }

    @Test
    void oursByRunningOurBatchNorm() {
        Convention row = Conventions.OURS;
        BatchNorm bn = new BatchNorm(3, 4, BatchNormFunction.EPS, BatchNormFunction.MOMENTUM, DataType.DOUBLE);
        assertEquals(row.eps(), new BatchNorm(3, 4).eps());
        assertEquals(row.initialVariance(), bn.movingVar().getDouble(1));
        INDArray x = batch(1, 4, 3, 2, 2);
        bn.forward(x);
        long m = 4 * 2 * 2;
        for (int c = 0; c < 3; c++) {
            double mean = x.mean(0, 2, 3).getDouble(c);
            double biased = x.var(false, 0, 2, 3).getDouble(c);
            assertEquals(
                    row.movingAverage(0, mean),
                    bn.movingMean().getDouble(c),
                    Tolerances.DOUBLE,
                    "moving mean, channel " + c);
            assertEquals(
                    row.movingAverage(row.initialVariance(), row.averagedVariance(biased, m)),
                    bn.movingVar().getDouble(c),
                    Tolerances.DOUBLE,
                    "moving variance, channel " + c);
        }
    }

    /**
     * DL4J 1.0.0-M2.1: the layer keeps "mean" and, with useLogStd (the default), "log10stdev"
     * instead of "var"; a training step of {@code fit} (learning rate 0, so only the statistics
     * move) updates them, and inference divides by √(std² + ε).
     */
    @Test
    void dl4jByRunningItsBatchNormalizationLayer() {
        Convention row = Conventions.DL4J;
        var conf = new NeuralNetConfiguration.Builder()
                .seed(1)
                .dataType(DataType.DOUBLE)
                .updater(new Sgd(0.0))
                .list()
                .layer(new BatchNormalization.Builder().build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                        .nOut(3)
                        .activation(Activation.IDENTITY)
                        .build())
                .setInputType(InputType.feedForward(3))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        BatchNormalization layer = (BatchNormalization) net.getLayer(0).conf().getLayer();
        assertEquals(row.value(), layer.getDecay());
        assertEquals(row.eps(), layer.getEps());
        assertTrue(layer.isUseLogStd(), "useLogStd is the default");
        var state = net.getLayer(0).paramTable();
        assertTrue(state.containsKey("log10stdev") && !state.containsKey("var"), "stores " + state.keySet());
        assertEquals(
                row.initialVariance(), Math.pow(10, 2 * state.get("log10stdev").getDouble(0)), Tolerances.DOUBLE);

        INDArray x = batch(2, 5, 3);
        net.fit(x, Nd4j.zeros(DataType.DOUBLE, 5, 3));
        state = net.getLayer(0).paramTable();
        for (int c = 0; c < 3; c++) {
            double mean = x.mean(0).getDouble(c);
            double biased = x.var(false, 0).getDouble(c);
            double movingVar = row.movingAverage(row.initialVariance(), row.averagedVariance(biased, 5));
            assertEquals(
                    row.movingAverage(0, mean),
                    state.get("mean").getDouble(c),
                    Tolerances.DOUBLE,
                    "mean, channel " + c);
            assertEquals(
                    Math.log10(Math.sqrt(movingVar)),
                    state.get("log10stdev").getDouble(c),
                    Tolerances.DOUBLE,
                    "log10stdev, channel " + c);
        }
        double std = Math.pow(10, state.get("log10stdev").getDouble(0));
        INDArray y = net.feedForwardToLayer(0, Nd4j.valueArrayOf(new long[] {1, 3}, 2.0), false)
                .get(1);
        assertEquals(
                (2 - state.get("mean").getDouble(0)) / Math.sqrt(std * std + row.eps()),
                y.getDouble(0),
                Tolerances.DOUBLE,
                "inference normalizes with √(std² + ε)");
    }

    /** PyTorch's own numbers: torch.nn.BatchNorm2d(3) as constructed, then one training step (torch_norm_cases.py). */
    @Test
    void pyTorchAgainstItsRecordedOutput() throws IOException {
        Convention row = Conventions.PYTORCH;
        JsonNode bn = NormalizationTorchTest.data().get("batchnorm_conventions");
        JsonNode defaults = bn.get("defaults");
        assertEquals(row.value(), defaults.get("momentum").asDouble());
        assertEquals(row.eps(), defaults.get("eps").asDouble());
        assertEquals(row.initialVariance(), doubles(defaults.get("running_var"))[0]);
        long[] shape = longs(bn.get("shape"));
        INDArray x = Nd4j.create(doubles(bn.get("x")), shape, 'c');
        long m = shape[0] * shape[2] * shape[3];
        double[] runningMean = doubles(bn.get("running_mean"));
        double[] runningVar = doubles(bn.get("running_var"));
        for (int c = 0; c < shape[1]; c++) {
            double biased = x.var(false, 0, 2, 3).getDouble(c);
            // 9 significant digits in the JSON.
            assertEquals(row.movingAverage(0, x.mean(0, 2, 3).getDouble(c)), runningMean[c], 1e-8, "running_mean " + c);
            assertEquals(
                    row.movingAverage(row.initialVariance(), row.averagedVariance(biased, m)),
                    runningVar[c],
                    1e-8,
                    "running_var " + c);
        }
    }

    /**
     * A row against its quoted source: the update line transcribed as (old, batch) → new moving
     * value, ε and the first moving variance as quoted. All four sources compute the batch
     * variance as a mean of squares, divided by m: biased.
     */
    private static void assertFollowsSource(
            Convention row, DoubleBinaryOperator quotedUpdate, double quotedEps, double quotedInitialVariance) {
        for (double[] v : new double[][] {{0, 1}, {2, 5}, {1, 0.25}}) {
            assertEquals(
                    quotedUpdate.applyAsDouble(v[0], v[1]),
                    row.movingAverage(v[0], v[1]),
                    Tolerances.DOUBLE,
                    row.source());
        }
        assertEquals(RunningVariance.BIASED, row.runningVariance(), row.source());
        assertEquals(quotedEps, row.eps(), row.source());
        assertEquals(quotedInitialVariance, row.initialVariance(), row.source());
    }

    /**
     * https://github.com/d2l-ai/d2l-zh/blob/master/chapter_convolutional-modern/batch-norm.md
     * (master e6b18cc, PyTorch tab): "var = ((X - mean) ** 2).mean(dim=(0, 2, 3), keepdim=True)",
     * "moving_mean = momentum * moving_mean + (1.0 - momentum) * mean",
     * "self.moving_var = torch.ones(shape)", "eps=1e-5, momentum=0.9".
     */
    @Test
    void d2lZhAgainstItsSource() {
        double momentum = 0.9;
        assertFollowsSource(
                Conventions.D2L_ZH, (movingMean, mean) -> momentum * movingMean + (1.0 - momentum) * mean, 1e-5, 1);
    }

    /**
     * https://github.com/d2l-ai/d2l-en/blob/master/chapter_convolutional-modern/batch-norm.md
     * (master 23d7a5a, PyTorch tab; changed by PR #2213 "[PyTorch] Update moving average
     * computation for batch norm", 2022-08-08): "moving_mean = (1.0 - momentum) * moving_mean +
     * momentum * mean", "var = ((X - mean) ** 2).mean(dim=(0, 2, 3), keepdim=True)",
     * "self.moving_var = torch.ones(shape)", "eps=1e-5, momentum=0.1".
     */
    @Test
    void d2lEnAgainstItsSource() {
        double momentum = 0.1;
        assertFollowsSource(
                Conventions.D2L_EN, (movingMean, mean) -> (1.0 - momentum) * movingMean + momentum * mean, 1e-5, 1);
        assertEquals(Weighs.BATCH, Conventions.D2L_EN.weighs());
    }

    /**
     * https://github.com/deepjavalibrary/d2l-java/blob/master/chapter_convolutional-modern/batch-norm.ipynb
     * (master 02320b5): "var = X.sub(mean).pow(2).mean(new int[]{0, 2, 3}, true);",
     * "movingMean = movingMean.mul(momentum).add(mean.mul(1.0f - momentum));",
     * "movingVar = manager.zeros(shape);" and "batchNormUpdate(..., 1e-12f, 0.9f, training)":
     * the moving variance starts at 0, not 1, and ε is 1e-12, not 1e-5.
     */
    @Test
    void d2lJavaAgainstItsSource() {
        double momentum = 0.9;
        assertFollowsSource(
                Conventions.D2L_JAVA, (movingMean, mean) -> movingMean * momentum + mean * (1.0 - momentum), 1e-12, 0);
    }

    /**
     * https://github.com/keras-team/keras/blob/master/keras/src/layers/normalization/batch_normalization.py
     * (master 3422977): "momentum=0.99, epsilon=1e-3, ... moving_variance_initializer="ones"",
     * "moving_variance * self.momentum + variance * (1.0 - self.momentum)" with the variance of
     * {@code ops.moments}, keras/src/backend/numpy/nn.py: "variance = np.mean(np.square(x),
     * axis=axes, keepdims=True) - np.square(mean)".
     */
    @Test
    void kerasAgainstItsSource() {
        double momentum = 0.99;
        assertFollowsSource(
                Conventions.KERAS,
                (movingVariance, variance) -> movingVariance * momentum + variance * (1.0 - momentum),
                1e-3,
                1);
    }

    @Test
    void theTableHasOneRowPerSourceAndEveryColumn() {
        Table t = Conventions.table();
        assertEquals(7, t.rowCount());
        assertEquals(9, t.columnCount());
        assertEquals("PyTorch nn.BatchNorm2d", t.stringColumn("source").get(3));
        assertEquals(
                0.9, t.doubleColumn("weight of old value").get(3), Tolerances.DOUBLE, "PyTorch's 0.1 weighs the batch");
        assertEquals("unbiased", t.stringColumn("running variance").get(3));
        assertTrue(t.print().contains("log10"), t.print());
    }
}
