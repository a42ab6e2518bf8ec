package bnlab.nn.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** (N, C, H, W) seen as (N, C·H·W) and back, without copying. */
class FlattenKernelTest {

    @Test
    void flattensAndRestoresTheShapeOnTheSameValues() {
        FlattenKernel f = new FlattenKernel();
        Tensor x = KernelTesting.tensor(1, 2, 3, 4, 5);
        Tensor y = f.forward(x);
        assertArrayEquals(new long[] {2, 60}, y.shape());
        assertSame(x.data, y.data, "no copy");
        Tensor dY = KernelTesting.tensor(2, 2, 60);
        Tensor dX = f.backward(dY);
        assertArrayEquals(new long[] {2, 3, 4, 5}, dX.shape());
        assertSame(dY.data, dX.data, "no copy");
    }
}
