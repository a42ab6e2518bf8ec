package bnlab.nn.kernel;

import bnlab.nn.Init;
import bnlab.nn.LeNet;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** Run by {@link ParallelTest} with a bad {@code -Dbnlab.threads}: one forward pass, printing the error. */
public final class ThreadsProbe {

    private ThreadsProbe() {}

    public static void main(String[] args) {
        try {
            LeNet.withBatchNorm(Init.seeded(1)).forward(Nd4j.rand(DataType.FLOAT, 256, 1, 28, 28));
            System.out.println("no error");
        } catch (RuntimeException e) {
            System.out.println(e);
        }
    }
}
