package bnlab;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Run in a child JVM by {@link NativeMemoryTest}: drops 128 arrays of 4 MiB one after the other
 * (512 MiB of garbage, tiny on the Java heap) and prints the largest and the final count of
 * ND4J's native bytes and the guard's collections.
 */
public final class NativeMemoryProbe {

    public static void main(String[] args) throws InterruptedException {
        Lab.setup();
        long max = 0;
        for (int i = 0; i < 128; i++) {
            INDArray garbage = Nd4j.create(DataType.FLOAT, 1 << 20);
            garbage.putScalar(0, i);
            max = Math.max(max, NativeMemory.bytes());
            Thread.sleep(2); // a training step does work between allocations too
        }
        Thread.sleep(1000);
        System.out.printf(
                "max=%d final=%d collections=%d%n", max >> 20, NativeMemory.bytes() >> 20, NativeMemory.collections());
    }
}
