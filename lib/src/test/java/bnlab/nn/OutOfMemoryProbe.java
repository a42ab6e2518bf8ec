package bnlab.nn;

import bnlab.data.Batch;
import bnlab.train.ScratchClassifier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Run in a JVM with a small heap by {@link SequentialErrorsTest}: trains LeNet on a batch too
 * large for the heap (prints the error), then a small batch (the network still works), then
 * evaluates more images at once than would fit without chunks.
 */
public final class OutOfMemoryProbe {

    private OutOfMemoryProbe() {}

    public static void main(String[] args) {
        int large = Integer.parseInt(args[0]);
        int evaluate = Integer.parseInt(args[1]);
        ScratchClassifier c = new ScratchClassifier("probe", LeNet.withBatchNorm(Init.seeded(1)), 1.0);
        try {
            c.trainStep(new Batch(Nd4j.rand(DataType.FLOAT, large, 1, 28, 28), new int[large]));
            System.out.println("trained a batch of " + large);
        } catch (OutOfMemoryError e) {
            System.out.println("error: " + e.getMessage());
        }
        c.trainStep(new Batch(Nd4j.rand(DataType.FLOAT, 64, 1, 28, 28), new int[64]));
        System.out.println("trained a batch of 64 afterwards");
        int correct = c.countCorrect(new Batch(Nd4j.rand(DataType.FLOAT, evaluate, 1, 28, 28), new int[evaluate]));
        System.out.println("evaluated " + evaluate + " images at once, " + correct + " predicted class 0");
    }
}
