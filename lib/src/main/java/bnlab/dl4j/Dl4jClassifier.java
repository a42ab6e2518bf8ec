package bnlab.dl4j;

import bnlab.data.Batch;
import bnlab.train.Classifier;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A DL4J {@link MultiLayerNetwork} whose last layer is a dense softmax {@code OutputLayer},
 * trained through the course's {@link Classifier} interface, so the {@link bnlab.train.Trainer}
 * runs it exactly as it runs the scratch network.
 *
 * <p><b>One forward pass per step.</b> {@link #trainStep} is DL4J's own {@code fit(x, y)}: one
 * training-mode forward pass, backward pass and SGD update. The loss is {@code score()} after it,
 * which DL4J computes from that forward pass before the update (mean cross-entropy; times the
 * batch size for the sum). DL4J never materializes the output layer's softmax during
 * {@code fit} (the loss function applies it internally), so the train-accuracy count is taken
 * from the same pass by a listener: DL4J hands it the activations entering the output layer, and
 * it applies the output layer's affine map ({@code h W + b}, 84&times;10, parameters before the
 * update) and takes the arg-max, which equals the softmax's arg-max. That costs one small
 * matrix product and a 256&times;10 arg-max, well under 1% of a step, instead of a second forward pass (which in training mode
 * would also move the BN moving statistics a second time).
 */
public final class Dl4jClassifier implements Classifier {

    private final String name;
    private final MultiLayerNetwork net;
    private final TrainAccuracy accuracy = new TrainAccuracy();

    /** Wraps an initialized network ({@code net.init()} done). */
    public Dl4jClassifier(String name, MultiLayerNetwork net) {
        if (!(net.getOutputLayer() instanceof org.deeplearning4j.nn.layers.OutputLayer)) {
            throw new IllegalArgumentException("the last layer must be a dense OutputLayer, not "
                    + net.getOutputLayer().getClass().getSimpleName());
        }
        if (net.getLayerWiseConfigurations().getInputPreProcess(net.getnLayers() - 1) != null) {
            throw new IllegalArgumentException("the output layer must take its input as it is "
                    + "(no input preprocessor): put a dense layer before it");
        }
        this.name = name;
        this.net = net;
        net.addListeners(accuracy);
    }

    /** The DL4J network, e.g. for {@code network().summary()} or its parameters. */
    public MultiLayerNetwork network() {
        return net;
    }

    @Override
    public StepResult trainStep(Batch batch) {
        INDArray y = batch.yOneHot();
        accuracy.expect(batch.y());
        net.fit(batch.x(), y);
        double lossSum = net.score() * batch.size();
        int correct = accuracy.take();
        net.setInput(null); // the trainer frees the batch after this call
        net.setLabels(null);
        y.close();
        return new StepResult(lossSum, correct, batch.size());
    }

    @Override
    public int countCorrect(Batch batch) {
        INDArray out = net.output(batch.x(), false);
        int correct = count(out, batch.y());
        if (out.closeable()) out.close();
        return correct;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        var c = net.getLayerWiseConfigurations();
        return String.format(
                "%s: %d layers, %,d parameters (training workspace %s, inference " + "workspace %s)",
                name, net.getnLayers(), net.numParams(), c.getTrainingWorkspaceMode(), c.getInferenceWorkspaceMode());
    }

    /** Correct arg-maxes of the rows of {@code scores} against {@code labels}. */
    static int count(INDArray scores, int[] labels) {
        // one bulk copy of a plain row-major buffer (toFloatMatrix() copies row by row: ~7 ms)
        boolean plain =
                scores.ordering() == 'c' && !scores.isView() && scores.data().length() == scores.length();
        INDArray rows = plain ? scores : scores.dup('c');
        float[] s = rows.data().asFloat();
        if (!plain) rows.close();
        int k = (int) scores.size(1);
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            int best = 0;
            for (int j = 1; j < k; j++) {
                if (s[i * k + j] > s[i * k + best]) best = j;
            }
            if (best == labels[i]) correct++;
        }
        return correct;
    }

    /** Counts correct predictions from the training forward pass that fit() itself runs. */
    private static final class TrainAccuracy extends BaseTrainingListener {
        private int[] labels;
        private int correct = -1;

        void expect(int[] labels) {
            this.labels = labels;
            this.correct = -1;
        }

        int take() {
            if (correct < 0) {
                throw new IllegalStateException("DL4J did not report its forward pass");
            }
            int c = correct;
            labels = null;
            correct = -1;
            return c;
        }

        @Override
        public void onForwardPass(Model model, List<INDArray> activations) {
            if (labels == null) return;
            Layer out = ((MultiLayerNetwork) model).getOutputLayer();
            INDArray h = activations.get(activations.size() - 1);
            try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                INDArray z = h.mmul(out.getParam("W")).addiRowVector(out.getParam("b"));
                correct = count(z, labels);
                z.close();
            }
        }
    }
}
