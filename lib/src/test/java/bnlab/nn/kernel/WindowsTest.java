package bnlab.nn.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The strided views of convolution and pooling, by hand on 1..16 in a 4×4 image. */
class WindowsTest {

    @Test
    void viewsPickEveryWindowsElementAtOneOffset() {
        assertEquals(2, Windows.outputSize(4, 2, 2));
        assertEquals(2, Windows.outputSize(5, 2, 2), "the last row and column are left out, as PyTorch does");
        assertEquals(3, Windows.outputSize(5, 3, 1));
        float[] pixels = new float[16];
        for (int i = 0; i < 16; i++) {
            pixels[i] = i + 1;
        }
        INDArray x = Nd4j.create(pixels, new long[] {1, 1, 4, 4}, DataType.FLOAT);
        // offset (1, 0), stride 2: the first element of the second row of each 2×2 window
        INDArray v = Windows.view(x, -1, 1, 0, 2, 2, 2);
        assertArrayEquals(new float[] {5, 7, 13, 15}, v.dup('c').reshape(4).toFloatVector(), 0f);
        INDArray channel = Windows.view(x, 0, 0, 1, 1, 3, 3); // one channel, offset (0, 1), stride 1
        assertArrayEquals(new long[] {1, 3, 3}, channel.shape());
        assertEquals(2, channel.getFloat(0, 0, 0), 0f);
        v.addi(100);
        assertEquals(105, x.getFloat(0, 0, 1, 0), 0f, "writing into the view writes into x");
    }
}
