package bnlab.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnlab.ChildJvm;
import bnlab.nn.LayerCatalog.Entry;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The errors a student meets feeding a network: each names the layer, the problem and the fix. */
class SequentialErrorsTest {

    private static final boolean[] ENGINES = {true, false};

    /** The message of {@code net.forward(x)} in each engine; they must be the same. */
    private static String sameErrorInBothEngines(java.util.function.Supplier<Sequential> make, INDArray x) {
        String[] messages = new String[2];
        for (boolean fast : ENGINES) {
            Sequential net = make.get().useFastEngine(fast);
            messages[fast ? 0 : 1] = assertThrows(IllegalArgumentException.class, () -> net.forward(x))
                    .getMessage();
        }
        assertEquals(messages[1], messages[0], "the same message from both engines");
        return messages[0];
    }

    @Test
    void imagesWithoutTheirChannelAxisAreExplainedWithTheReshape() {
        String msg =
                sameErrorInBothEngines(() -> LeNet.withBatchNorm(Init.seeded(1)), Nd4j.rand(DataType.FLOAT, 4, 28, 28));
        assertTrue(msg.startsWith("layer 0 (Conv2d(1, 6, kernel_size=5)): "), msg);
        assertTrue(
                msg.contains("rank 3 [4, 28, 28]")
                        && msg.contains("needs its channel axis, e.g. x.reshape(4, 1, 28, 28)"),
                msg);
        String flat =
                sameErrorInBothEngines(() -> LeNet.withBatchNorm(Init.seeded(1)), Nd4j.rand(DataType.FLOAT, 4, 784));
        assertTrue(flat.contains("x.reshape(4, 1, H, W) with H·W = 784"), flat);
    }

    @Test
    void aLinearLayerAfterAConvolutionAsksForAFlatten() {
        String msg = sameErrorInBothEngines(
                () -> new Sequential(
                        new Conv2d(1, 2, 3, Init.seeded(1)), new Linear(2 * 26 * 26, 10, true, Init.seeded(2))),
                Nd4j.rand(DataType.FLOAT, 4, 1, 28, 28));
        assertTrue(msg.startsWith("layer 1 (Linear(1352, 10)): ") && msg.contains("put a Flatten() before"), msg);
    }

    @Test
    void anEmptyBatchIsRefusedByEveryLayerAndByTheNetwork() {
        for (Entry e : LayerCatalog.all()) {
            long[] shape = e.inputShape().clone();
            shape[0] = 0;
            INDArray empty = Nd4j.create(DataType.FLOAT, shape);
            String msg = sameErrorInBothEngines(() -> new Sequential(e.make().get()), empty);
            assertTrue(msg.contains("got an empty batch, shape " + java.util.Arrays.toString(shape)), e + ": " + msg);
            assertTrue(msg.contains("at least one example"), msg);
            Layer alone = e.make().get();
            String own = assertThrows(IllegalArgumentException.class, () -> alone.forward(empty), e.name())
                    .getMessage();
            assertTrue(own.contains("empty batch"), e + ": " + own);
        }
    }

    /** Out of heap: the error says the batch size and both fixes; the network keeps working; evaluation goes in chunks. */
    @Test
    void runningOutOfMemorySaysWhatToChangeAndEvaluationGoesInChunks() throws Exception {
        String out = ChildJvm.run(
                OutOfMemoryProbe.class, List.of("-Xmx256m", "--add-modules=jdk.incubator.vector"), "2048", "5000");
        assertTrue(out.contains("error: Out of memory in the "), out);
        assertTrue(out.contains("pass of a batch of 2048 examples"), out);
        assertTrue(
                out.contains("Use a smaller batch (e.g. 1024)") && out.contains("<bnlab.jvm.options> of pom.xml"), out);
        assertTrue(out.contains("trained a batch of 64 afterwards"), out);
        assertTrue(out.contains("evaluated 5000 images at once"), out);
    }
}
