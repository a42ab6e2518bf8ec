package bnlab.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One mini-batch: images {@code x} as float NCHW {@code [B, 1, rows, cols]} in [0, 1] and their
 * class labels {@code y} (0..9).
 */
public record Batch(INDArray x, int[] y) {

    /** Number of examples in the batch (the last batch of an epoch may be smaller). */
    public int size() {
        return y.length;
    }

    /** The labels as one-hot rows, float {@code [B, 10]}; made on each call. */
    public INDArray yOneHot() {
        return oneHot(y, FashionMnist.NUM_CLASSES);
    }

    /** One-hot float {@code [labels.length, classes]}: row i has a 1 in column labels[i]. */
    public static INDArray oneHot(int[] labels, int classes) {
        float[] data = new float[labels.length * classes];
        for (int i = 0; i < labels.length; i++) {
            data[i * classes + labels[i]] = 1f;
        }
        return Nd4j.create(data, new long[] {labels.length, classes}, DataType.FLOAT);
    }
}
