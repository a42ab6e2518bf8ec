package bnlab.nn.kernel;

import static bnlab.nn.kernel.KernelTesting.assertClose;
import static bnlab.nn.kernel.KernelTesting.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** y = x + the layer's noise (drawn for (n, channels, plane)) in training, y = x in inference; dX = dY. */
class NoiseKernelTest {

    @Test
    void theNoiseIsAddedWithTheShapeTheLayerDrawsFor() {
        boolean[] training = {true};
        int[] asked = new int[3];
        NoiseKernel k = new NoiseKernel(() -> training[0], (into, n, channels, plane) -> {
            asked[0] = n;
            asked[1] = channels;
            asked[2] = plane;
            for (int i = 0; i < n * channels * plane; i++) {
                into[i] = i;
            }
        });
        Tensor x = KernelTesting.tensor(1, 2, 3, 2, 2);
        double[] y = values(x);
        for (int i = 0; i < y.length; i++) {
            y[i] += i;
        }
        assertClose(y, values(k.forward(x)), "x + noise");
        assertArrayEquals(new int[] {2, 3, 4}, asked, "(n, channels, H·W)");
        Tensor dY = KernelTesting.tensor(2, 2, 3, 2, 2);
        assertClose(values(dY), values(k.backward(dY)), "dX = dY");
        training[0] = false;
        assertClose(values(x), values(k.forward(x)), "inference adds nothing");
    }
}
