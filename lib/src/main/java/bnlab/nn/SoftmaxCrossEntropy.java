package bnlab.nn;

import bnlab.nn.kernel.SmallArrays;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Softmax followed by cross-entropy on integer labels, {@code nn.CrossEntropyLoss()}, computed
 * together: log-softmax with the maximum subtracted (no overflow), and the gradient with respect
 * to the logits, (softmax − one_hot) / N, for the mean loss.
 */
public class SoftmaxCrossEntropy {

    private double[] probabilities;
    private int[] labels;
    private int classes;
    private long[] shape;
    private org.nd4j.linalg.api.buffer.DataType type;
    private double lossSum;
    private int correct;

    /** The mean loss over the batch; also records the summed loss and the correct predictions. */
    public double forward(INDArray logits, int[] labels) {
        if (logits.rank() != 2 || logits.size(0) != labels.length) {
            throw new IllegalArgumentException("SoftmaxCrossEntropy expects logits (N, classes) and N labels, got "
                    + Arrays.toString(logits.shape()) + " and " + labels.length + " labels");
        }
        int n = labels.length;
        classes = (int) logits.size(1);
        shape = logits.shape();
        type = logits.dataType();
        double[] z = SmallArrays.read(logits);
        probabilities = new double[z.length];
        lossSum = 0;
        correct = 0;
        for (int i = 0; i < n; i++) {
            int label = labels[i];
            if (label < 0 || label >= classes) {
                throw new IllegalArgumentException(
                        "label " + label + " of example " + i + " is outside 0.." + (classes - 1));
            }
            int row = i * classes;
            int best = 0;
            double max = z[row];
            for (int c = 1; c < classes; c++) {
                if (z[row + c] > max) {
                    max = z[row + c];
                    best = c;
                }
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                probabilities[row + c] = Math.exp(z[row + c] - max);
                sum += probabilities[row + c];
            }
            for (int c = 0; c < classes; c++) {
                probabilities[row + c] /= sum;
            }
            lossSum += Math.log(sum) - (z[row + label] - max);
            if (best == label) {
                correct++;
            }
        }
        this.labels = labels.clone();
        return lossSum / n;
    }

    /** ∂(mean loss)/∂logits for the latest {@link #forward}. */
    public INDArray backward() {
        if (probabilities == null) {
            throw new IllegalStateException("SoftmaxCrossEntropy.backward called before forward");
        }
        int n = labels.length;
        double[] g = new double[probabilities.length];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < classes; c++) {
                g[i * classes + c] = (probabilities[i * classes + c] - (c == labels[i] ? 1 : 0)) / n;
            }
        }
        return SmallArrays.create(type, shape, g);
    }

    /** Summed (not mean) loss of the latest batch. */
    public double lossSum() {
        return lossSum;
    }

    /** How many examples of the latest batch had the label as their largest logit. */
    public int correct() {
        return correct;
    }

    /** Index of the largest logit of each row. */
    public static int[] argmax(INDArray logits) {
        double[] z = SmallArrays.read(logits);
        int classes = (int) logits.size(1);
        int[] best = new int[(int) logits.size(0)];
        for (int i = 0; i < best.length; i++) {
            for (int c = 1; c < classes; c++) {
                if (z[i * classes + c] > z[i * classes + best[i]]) {
                    best[i] = c;
                }
            }
        }
        return best;
    }

    @Override
    public String toString() {
        return "SoftmaxCrossEntropy()";
    }
}
