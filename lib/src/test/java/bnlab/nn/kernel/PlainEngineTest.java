package bnlab.nn.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnlab.ChildJvm;
import bnlab.Tolerances;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM started without {@code --add-modules jdk.incubator.vector} (a student's own JVM, an IDE)
 * still runs the fast engine, on plain loops, says so with the way to the faster one, and
 * trains as the Vector API path in this JVM does.
 */
class PlainEngineTest {

    @Test
    void aJvmWithoutTheModuleTrainsOnPlainLoopsAndMatchesTheVectorApi(@TempDir Path dir)
            throws IOException, InterruptedException {
        assertTrue(Simd.get() instanceof VectorSimd, "the tests run with --add-modules jdk.incubator.vector");
        Path file = dir.resolve("plain.bin");
        String out = ChildJvm.run(PlainEngineProbe.class, List.of(), file.toString());
        assertTrue(out.contains("implementation: PlainSimd"), out);
        assertTrue(out.contains("fast engine on (plain Java loops"), out);
        assertTrue(out.contains("start Java with --add-modules jdk.incubator.vector"), out);
        assertTrue(!out.contains("WARNING: Using incubator modules"), "no Vector API in the child:\n" + out);
        float[] plain;
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            plain = new float[in.readInt()];
            for (int i = 0; i < plain.length; i++) {
                plain[i] = in.readFloat();
            }
        }
        float[] vector = PlainEngineProbe.train();
        assertEquals(vector.length, plain.length, "values written");
        double dev = SimdTest.deviation(vector, plain);
        System.out.printf("plain vs Vector API after three training steps: deviation %.3g%n", dev);
        assertTrue(dev <= Tolerances.FLOAT_NETWORK, "deviation " + dev);
    }

    @Test
    void thePropertyForcesThePlainLoops(@TempDir Path dir) throws IOException, InterruptedException {
        String out = ChildJvm.run(
                PlainEngineProbe.class,
                List.of("--add-modules=jdk.incubator.vector", "-Dbnlab.simd=plain"),
                dir.resolve("forced.bin").toString());
        assertTrue(out.contains("implementation: PlainSimd"), out);
    }
}
