package bnlab.train;

import bnlab.data.Batch;
import bnlab.nn.Layer;
import bnlab.nn.Sgd;
import bnlab.nn.SoftmaxCrossEntropy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Our from-scratch network (a {@link Layer}, usually a {@code Sequential} of {@code bnlab.nn}
 * layers) trained with softmax cross-entropy and plain SGD, d2l's {@code train_ch6} step:
 * forward, loss, backward, update. {@link bnlab.dl4j.Dl4jClassifier} is the same for DL4J.
 */
public class ScratchClassifier implements Classifier {

    private final String name;
    private final Layer net;
    private final SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
    private final Sgd sgd;

    /** The most examples {@link #countCorrect} sends through the network at once. */
    public static final int EVALUATION_CHUNK = 1024;

    public ScratchClassifier(String name, Layer net, double learningRate) {
        this.name = name;
        this.net = net;
        net.inputGradientNotNeeded(); // nobody uses the gradient with respect to the images
        this.sgd = new Sgd(net.parameters(), learningRate);
    }

    @Override
    public StepResult trainStep(Batch batch) {
        net.train();
        INDArray logits = net.forward(batch.x());
        loss.forward(logits, batch.y());
        net.backward(loss.backward());
        sgd.step();
        return new StepResult(loss.lossSum(), loss.correct(), batch.size());
    }

    /**
     * The mean loss on {@code batch} and its gradient (left in every {@code Parameter.grad()}),
     * in training mode but without an update and without touching the moving statistics: a
     * probe of the loss surface at the current weights.
     */
    public double lossAndGradient(Batch batch) {
        if (!(net instanceof bnlab.nn.Sequential s)) {
            throw new IllegalStateException("lossAndGradient needs a Sequential network, got " + net);
        }
        return bnlab.nn.PreciseBatchNorm.withBatchStatistics(s, () -> {
            double l = loss.forward(net.forward(batch.x()), batch.y());
            net.backward(loss.backward());
            return l;
        });
    }

    /** The optimizer's learning rate. */
    public double learningRate() {
        return sgd.learningRate();
    }

    /**
     * Correct predictions in inference mode. A batch larger than {@link #EVALUATION_CHUNK}
     * examples goes through the network in chunks of that size (the same predictions: in
     * inference mode no example depends on another), so evaluating all 10 000 test images at
     * once does not need ten thousand images' worth of working memory.
     */
    @Override
    public int countCorrect(Batch batch) {
        long n = batch.x().size(0);
        int[] predicted = new int[(int) n];
        net.eval();
        try {
            for (long from = 0; from < n; from += EVALUATION_CHUNK) {
                long to = Math.min(n, from + EVALUATION_CHUNK);
                INDArray x = n <= EVALUATION_CHUNK ? batch.x() : batch.x().get(NDArrayIndex.interval(from, to));
                int[] part = SoftmaxCrossEntropy.argmax(net.forward(x));
                System.arraycopy(part, 0, predicted, (int) from, part.length);
            }
        } finally {
            net.train();
        }
        int correct = 0;
        for (int i = 0; i < predicted.length; i++) {
            if (predicted[i] == batch.y()[i]) {
                correct++;
            }
        }
        return correct;
    }

    @Override
    public String name() {
        return name;
    }

    public Layer net() {
        return net;
    }

    @Override
    public String toString() {
        return name + ": " + net + "\n" + loss + ", " + sgd;
    }
}
