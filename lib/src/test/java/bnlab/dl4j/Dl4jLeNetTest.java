package bnlab.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnlab.Tolerances;
import bnlab.data.Batch;
import bnlab.data.FashionMnist;
import bnlab.train.Classifier;
import bnlab.train.EpochResult;
import bnlab.train.History;
import bnlab.train.ProgressListener;
import bnlab.train.Trainer;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * The DL4J LeNet on a small real slice of Fashion-MNIST: d2l's layout and hyperparameters,
 * PyTorch's initialization, a train step whose loss and correct count come from its own forward
 * pass, learning, and reproducibility.
 */
class Dl4jLeNetTest {

    /** A few optimization steps: 1 024 images in batches of 64, 16 steps per epoch. */
    static final int TRAIN = 1024;

    static final int TEST = 512;
    static final int BATCH = 64;
    static final long SEED = 7;

    static FashionMnist data;

    /** Real data; on CI (which installs it) a missing dataset fails, elsewhere it skips. */
    @BeforeAll
    static void load() {
        try {
            data = FashionMnist.load(TRAIN, TEST);
        } catch (RuntimeException e) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) throw e;
            Assumptions.abort("no Fashion-MNIST here, DL4J training tests skipped: " + e.getMessage());
        }
    }

    @Test
    void layersFollowTheSeed() {
        MultiLayerNetwork net = Dl4jLeNet.network(SEED);
        String[] expected = {
            "ConvolutionLayer",
            "BatchNormalization",
            "ActivationLayer",
            "SubsamplingLayer",
            "ConvolutionLayer",
            "BatchNormalization",
            "ActivationLayer",
            "SubsamplingLayer",
            "DenseLayer",
            "BatchNormalization",
            "ActivationLayer",
            "DenseLayer",
            "BatchNormalization",
            "ActivationLayer",
            "OutputLayer"
        };
        String[] actual = new String[net.getnLayers()];
        for (int i = 0; i < actual.length; i++) {
            actual[i] = net.getLayer(i).getClass().getSimpleName();
        }
        assertArrayEquals(expected, actual);
        var conf = net.getLayerWiseConfigurations();
        assertEquals(WorkspaceMode.ENABLED, conf.getTrainingWorkspaceMode());
        assertEquals(WorkspaceMode.ENABLED, conf.getInferenceWorkspaceMode());
        for (Layer l : net.getLayers()) {
            if (l instanceof BatchNormalization bn) {
                var c = (org.deeplearning4j.nn.conf.layers.BatchNormalization)
                        bn.conf().getLayer();
                assertEquals(1e-5, c.getEps());
                assertEquals(0.9, c.getDecay());
            }
            if (l.conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.BaseLayer b) {
                Sgd sgd = (Sgd) b.getIUpdater();
                assertEquals(1.0, sgd.getLearningRate());
                assertTrue(
                        b.getRegularization().isEmpty()
                                && b.getRegularizationBias().isEmpty(),
                        "no regularization");
            }
        }
        assertEquals(
                List.of(6L, 16L, 120L, 84L, 10L),
                List.of(
                        net.getLayer(0).getParam("b").length(),
                        net.getLayer(4).getParam("b").length(),
                        net.getLayer(8).getParam("b").length(),
                        net.getLayer(11).getParam("b").length(),
                        net.getLayer(14).getParam("b").length()));
    }

    /**
     * Weights Xavier-uniform as d2l's train_ch6 draws them (bound sqrt(6 / (fanIn + fanOut)), variance
     * bound^2 / 3), biases inside +-1/sqrt(fanIn) (PyTorch's default), each spread over its range.
     */
    @Test
    void initIsD2lsXavierUniformWithPyTorchsBiases() {
        MultiLayerNetwork net = Dl4jLeNet.network(SEED);
        int[] layers = {0, 4, 8, 11, 14};
        long[] fanIns = {25, 150, 256, 120, 84};
        long[] fanOuts = {150, 400, 120, 84, 10};
        for (int k = 0; k < layers.length; k++) {
            double xavier = Math.sqrt(6.0 / (fanIns[k] + fanOuts[k]));
            INDArray w = net.getLayer(layers[k]).getParam("W");
            double max = w.amaxNumber().doubleValue();
            assertTrue(
                    max <= xavier + 1e-7 && max > 0.9 * xavier,
                    "W of layer " + layers[k] + ": max " + max + ", Xavier bound " + xavier);
            double variance = w.mul(w).meanNumber().doubleValue();
            assertEquals(xavier * xavier / 3, variance, 0.25 * xavier * xavier / 3, "W of layer " + layers[k]);
            double bound = 1 / Math.sqrt(fanIns[k]);
            INDArray b = net.getLayer(layers[k]).getParam("b");
            double bmax = b.amaxNumber().doubleValue();
            assertTrue(bmax <= bound + 1e-7, "b of layer " + layers[k] + ": " + bmax + " > " + bound);
            if (b.length() >= 16) {
                assertTrue(bmax > 0.7 * bound, "b of layer " + layers[k] + " not spread: " + bmax);
            }
        }
        INDArray gamma = net.getLayer(1).getParam("gamma");
        assertEquals(6.0, gamma.sumNumber().doubleValue(), 0.0);
        assertEquals(0.0, net.getLayer(1).getParam("beta").sumNumber().doubleValue(), 0.0);
        // same seed, same parameters
        assertEquals(net.params(), Dl4jLeNet.network(SEED).params());
    }

    /**
     * The step's loss and correct count are those of the training-mode forward pass with the
     * parameters before the update: recomputed here on a copy with output(x, train=true), which
     * (in DL4J) leaves the moving statistics alone.
     */
    @Test
    void trainStepReportsItsOwnForwardPass() {
        Dl4jClassifier net = Dl4jLeNet.create(SEED);
        Batch batch = data.train().batches(BATCH, 1).iterator().next();
        INDArray p = net.network().clone().output(batch.x(), true);
        double expectedLoss = 0;
        for (int i = 0; i < batch.size(); i++) {
            expectedLoss -= Math.log(p.getDouble(i, batch.y()[i]));
        }
        int expectedCorrect = Dl4jClassifier.count(p, batch.y());
        INDArray before = net.network().params().dup();
        Classifier.StepResult step = net.trainStep(batch);
        assertEquals(batch.size(), step.examples());
        assertEquals(expectedLoss, step.lossSum(), 1e-4 * expectedLoss);
        assertEquals(expectedCorrect, step.correct());
        assertTrue(before.distance2(net.network().params()) > 0, "the step updated nothing");
    }

    /**
     * DL4J's oneDNN helpers (switched on by {@code network}) compute what DL4J's own Java path
     * computes: same outputs in both modes and same parameters after a step, to float rounding.
     */
    @Test
    void oneDnnHelpersComputeWhatDl4jComputesWithout() {
        MultiLayerNetwork fast = Dl4jLeNet.network(SEED);
        MultiLayerNetwork plain = new MultiLayerNetwork(Dl4jLeNet.configuration(SEED));
        plain.init();
        Dl4jLeNet.uniformBiases(plain, SEED);
        boolean oneDnn = Nd4jCpu.Environment.getInstance().isUseONEDNN();
        assertEquals(oneDnn ? 8 : 0, helpers(fast), "conv, pooling and BN layers with a helper");
        assertEquals(
                0,
                helpers(plain),
                "DL4J attached helpers itself: its check works again, " + "Dl4jLeNet.useOneDnnHelpers may go");
        assertEquals(plain.params(), fast.params());
        Batch batch = data.train().batches(BATCH, 1).iterator().next();
        INDArray y = batch.yOneHot();
        for (boolean training : new boolean[] {false, true}) {
            double diff = plain.output(batch.x(), training).distance1(fast.output(batch.x(), training));
            assertTrue(diff < 1e-4, "outputs (training " + training + ") differ by " + diff + " in sum");
        }
        plain.fit(batch.x(), y);
        fast.fit(batch.x(), y);
        assertEquals(plain.score(), fast.score(), Tolerances.FLOAT_LIBRARY);
        double step = plain.params().sub(fast.params()).amaxNumber().doubleValue();
        assertTrue(step < Tolerances.FLOAT_LIBRARY, "parameters after one step differ by up to " + step);
    }

    private static int helpers(MultiLayerNetwork net) {
        int n = 0;
        for (Layer l : net.getLayers()) {
            if (l.getHelper() != null) n++;
        }
        return n;
    }

    /** Two epochs of 16 steps: the loss falls and both accuracies are far above chance (0.1). */
    @Test
    void learns() {
        History h = new Trainer(BATCH, 3).fit(Dl4jLeNet.create(SEED), data, 2);
        List<EpochResult> e = h.epochs();
        assertEquals(2, e.size());
        assertTrue(e.get(1).loss() < 0.8 * e.get(0).loss(), "loss did not fall: " + e);
        assertTrue(h.last().trainAcc() > 0.4, "train acc " + h.last());
        assertTrue(h.last().testAcc() > 0.3, "test acc " + h.last());
    }

    /** Same seeds, same data: the same history to the last bit. */
    @Test
    void sameSeedSameHistory() {
        Trainer trainer = new Trainer(BATCH, 11);
        var train = data.train().take(512);
        var test = data.test().take(256);
        History a = trainer.fit(Dl4jLeNet.create(SEED), train, test, 1, ProgressListener.none());
        History b = trainer.fit(Dl4jLeNet.create(SEED), train, test, 1, ProgressListener.none());
        EpochResult x = a.last();
        EpochResult y = b.last();
        assertEquals(x.loss(), y.loss(), 0.0);
        assertEquals(x.trainAcc(), y.trainAcc(), 0.0);
        assertEquals(x.testAcc(), y.testAcc(), 0.0);
        assertEquals(a.points(), b.points());
    }
}
