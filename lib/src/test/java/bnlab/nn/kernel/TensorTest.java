package bnlab.nn.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The engine's heap tensors: copies in and out of ND4J, buffer reuse, reshapes, sizes. */
class TensorTest {

    @Test
    void copiesAnyOrderingAndTypeInAndANewArrayOut() {
        INDArray a = Nd4j.rand(DataType.DOUBLE, 2, 3, 4);
        INDArray view = a.permute(1, 0, 2).reshape(3, 8).transpose(); // (8, 3), not contiguous, double
        Tensor t = Tensor.copyOf(view, null);
        assertArrayEquals(new long[] {8, 3}, t.shape());
        assertArrayEquals(
                view.castTo(DataType.FLOAT).dup('c').reshape(24).toFloatVector(),
                java.util.Arrays.copyOf(t.data, 24),
                "C order, float");
        INDArray back = t.toINDArray();
        t.data[0] = 99;
        assertEquals((float) view.getDouble(0, 0), back.getFloat(0, 0), "what toINDArray returned is a copy");
        INDArray image = Nd4j.rand(DataType.FLOAT, 2, 3, 4, 5);
        Tensor i = Tensor.copyOf(image, null);
        assertEquals(4, i.rank);
        assertEquals(20, i.plane());
        assertEquals(60, i.example());
        assertEquals(image, i.toINDArray());
    }

    @Test
    void buffersAreReusedWhenLargeEnoughAndOnlyGrow() {
        Tensor big = Tensor.reuse(null, 4, 3, 2, 2, 4);
        Tensor small = Tensor.reuse(big, 2, 3, 2, 2, 4);
        assertSame(big.data, small.data, "a smaller batch reuses the array");
        Tensor bigger = Tensor.reuse(small, 8, 3, 2, 2, 4);
        assertNotSame(small.data, bigger.data);
        assertTrue(bigger.data.length >= 96);
        assertThrows(IllegalArgumentException.class, () -> Tensor.buffer(null, (long) Integer.MAX_VALUE));
    }

    @Test
    void reshapesKeepTheValuesAndRefuseAnotherSize() {
        Tensor t = Tensor.reuse(null, 2, 3, 2, 2, 4);
        Tensor flat = t.reshape(2, 12, 1, 1, 2);
        assertSame(t.data, flat.data);
        assertArrayEquals(new long[] {2, 12}, flat.shape());
        assertThrows(IllegalArgumentException.class, () -> t.reshape(2, 13, 1, 1, 2));
    }

    @Test
    void onlyRanksTwoAndFourAreAccepted() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> Tensor.copyOf(Nd4j.rand(DataType.FLOAT, 2, 3, 4), null));
        assertTrue(
                e.getMessage().contains("(N, F) or (N, C, H, W)")
                        && e.getMessage().contains("rank 3"),
                e.getMessage());
    }
}
