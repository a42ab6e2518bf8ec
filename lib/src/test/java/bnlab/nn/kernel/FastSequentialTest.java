package bnlab.nn.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The chain of kernels: order, checks on new shapes, named errors, observers, timings. */
class FastSequentialTest {

    /** y = 2x, dX = 2·dY; records its calls. */
    private static final class Doubler implements FastLayer {
        final List<String> calls;
        final String name;
        private Tensor y;
        private Tensor dX;

        Doubler(String name, List<String> calls) {
            this.name = name;
            this.calls = calls;
        }

        @Override
        public Tensor forward(Tensor x) {
            calls.add(name + " forward");
            y = Tensor.reuseLike(y, x);
            for (int i = 0; i < x.size(); i++) {
                y.data[i] = 2 * x.data[i];
            }
            return y;
        }

        @Override
        public Tensor backward(Tensor dY) {
            calls.add(name + " backward");
            dX = Tensor.reuseLike(dX, dY);
            for (int i = 0; i < dY.size(); i++) {
                dX.data[i] = 2 * dY.data[i];
            }
            return dX;
        }
    }

    @Test
    void layersRunInOrderBackwardInReverseAndTheResultIsANewArray() {
        List<String> calls = new ArrayList<>();
        List<long[]> checked = new ArrayList<>();
        FastSequential net = new FastSequential(
                List.of(new Doubler("a", calls), new Doubler("b", calls)),
                Arrays.asList(checked::add, null),
                (i, e) -> e);
        INDArray x = Nd4j.ones(DataType.FLOAT, 2, 3);
        INDArray y = net.forward(x);
        net.forward(x);
        assertEquals(4, y.getFloat(0, 0), 0f, "2·2·1");
        assertEquals(1, checked.size(), "a shape is checked once, until it changes");
        assertArrayEquals(new long[] {2, 3}, checked.get(0));
        INDArray dX = net.backward(Nd4j.ones(DataType.FLOAT, 2, 3));
        assertEquals(4, dX.getFloat(1, 2), 0f);
        assertEquals(List.of("a forward", "b forward", "a forward", "b forward", "b backward", "a backward"), calls);
        assertTrue(net.forwardNanos(0) > 0 && net.backwardNanos(1) > 0);
        net.resetTimes();
        assertEquals(0, net.forwardNanos(0));
    }

    @Test
    void errorsAreNamedByTheCallbackAndBackwardNeedsAForward() {
        FastSequential net = new FastSequential(
                List.of(new Doubler("a", new ArrayList<>())),
                Arrays.asList(shape -> {
                    throw new IllegalArgumentException("bad shape " + Arrays.toString(shape));
                }),
                (i, e) -> new IllegalArgumentException("layer " + i + ": " + e.getMessage()));
        assertThrows(IllegalStateException.class, () -> net.backward(Nd4j.ones(DataType.FLOAT, 1, 1)));
        String msg = assertThrows(IllegalArgumentException.class, () -> net.forward(Nd4j.ones(DataType.FLOAT, 1, 2)))
                .getMessage();
        assertEquals("layer 0: bad shape [1, 2]", msg);
    }

    @Test
    void observersSeeEachOutputUntilRemoved() {
        FastSequential net = new FastSequential(
                List.of(new Doubler("a", new ArrayList<>())),
                Arrays.asList((java.util.function.Consumer<long[]>) null),
                (i, e) -> e);
        List<Float> seen = new ArrayList<>();
        net.observe(0, t -> seen.add(t.data[0]));
        net.forward(Nd4j.ones(DataType.FLOAT, 1, 1));
        net.observe(0, null);
        net.forward(Nd4j.ones(DataType.FLOAT, 1, 1));
        assertEquals(List.of(2f), seen);
        assertNull(null);
    }
}
