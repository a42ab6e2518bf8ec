package bnlab.nn.kernel;

import static bnlab.nn.kernel.KernelTesting.assertClose;
import static bnlab.nn.kernel.KernelTesting.values;

import org.junit.jupiter.api.Test;

/** y = x·mask with the layer's mask in training, y = x in inference; dX the same way. */
class DropoutKernelTest {

    @Test
    void theMaskMultipliesForwardAndBackwardAndInferencePassesEverything() {
        boolean[] training = {true};
        DropoutKernel d = new DropoutKernel(() -> training[0], (into, n) -> {
            for (int i = 0; i < n; i++) {
                into[i] = i % 3 == 0 ? 0f : 1.5f;
            }
        });
        Tensor x = KernelTesting.tensor(1, 4, 9);
        Tensor dY = KernelTesting.tensor(2, 4, 9);
        double[] y = new double[x.size()];
        double[] dX = new double[x.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = i % 3 == 0 ? 0 : 1.5 * x.data[i];
            dX[i] = i % 3 == 0 ? 0 : 1.5 * dY.data[i];
        }
        assertClose(y, values(d.forward(x)), "training y");
        assertClose(dX, values(d.backward(dY)), "training dX");
        training[0] = false;
        assertClose(values(x), values(d.forward(x)), "inference y = x");
        assertClose(values(dY), values(d.backward(dY)), "inference dX = dY");
    }
}
