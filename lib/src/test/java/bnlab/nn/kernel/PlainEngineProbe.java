package bnlab.nn.kernel;

import bnlab.nn.BatchNorm;
import bnlab.nn.Init;
import bnlab.nn.Layer;
import bnlab.nn.LeNet;
import bnlab.nn.Parameter;
import bnlab.nn.Sequential;
import bnlab.nn.Sgd;
import bnlab.nn.SoftmaxCrossEntropy;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Three training steps of LeNet-BN in the fast engine, for {@link PlainEngineTest}: run as a
 * program (in a JVM without the Vector API), it prints the engine's setup line and which
 * implementation runs, and writes everything the steps produced to the file named by its
 * argument; the test runs {@link #train()} in its own JVM and compares.
 */
public final class PlainEngineProbe {

    private PlainEngineProbe() {}

    public static void main(String[] args) throws IOException {
        System.out.println(FastSequential.describe());
        System.out.println("implementation: " + Simd.get().getClass().getSimpleName());
        float[] result = train();
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(Path.of(args[0])))) {
            out.writeInt(result.length);
            for (float v : result) {
                out.writeFloat(v);
            }
        }
    }

    /**
     * The logits of each of three steps (batch 64, lr 0.5, seeded weights and images), the
     * gradients of the last step, and every parameter and moving statistic after the last update.
     */
    public static float[] train() {
        Sequential net = LeNet.withBatchNorm(Init.seeded(9));
        Sgd sgd = new Sgd(net.parameters(), 0.5);
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        int[] labels = new int[64];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (i * 7) % 10;
        }
        Nd4j.getRandom().setSeed(5);
        java.util.List<INDArray> seen = new java.util.ArrayList<>();
        for (int step = 0; step < 3; step++) {
            INDArray x = Nd4j.rand(DataType.FLOAT, 64, 1, 28, 28);
            INDArray logits = net.forward(x);
            seen.add(logits);
            loss.forward(logits, labels);
            net.backward(loss.backward());
            if (step == 2) {
                for (Parameter p : net.parameters()) {
                    seen.add(p.grad().dup());
                }
            }
            sgd.step();
        }
        for (Parameter p : net.parameters()) {
            seen.add(p.value());
        }
        for (int i = 0; i < net.size(); i++) {
            Layer m = net.get(i);
            if (m instanceof BatchNorm bn) {
                seen.add(bn.movingMean());
                seen.add(bn.movingVar());
            }
        }
        int size = 0;
        for (INDArray a : seen) {
            size += (int) a.length();
        }
        float[] all = new float[size];
        int at = 0;
        for (INDArray a : seen) {
            float[] v = a.castTo(DataType.FLOAT).dup('c').reshape(a.length()).toFloatVector();
            System.arraycopy(v, 0, all, at, v.length);
            at += v.length;
        }
        return all;
    }
}
