package bnlab.nn.kernel;

import static bnlab.nn.kernel.KernelTesting.assertClose;
import static bnlab.nn.kernel.KernelTesting.values;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/** Sigmoid and ReLU against Math.exp and max, forward and backward; by hand: σ(0) = 1/2, σ(ln 3) = 3/4. */
class ElementwiseKernelTest {

    @Test
    void sigmoidAndReluMatchTheFormulas() {
        for (int size : new int[] {1, 7, 64, 1000, 100_003}) {
            Tensor x = KernelTesting.tensor(1, 1, size);
            Tensor dY = KernelTesting.tensor(2, 1, size);
            double[] sig = new double[size];
            double[] dSig = new double[size];
            double[] relu = new double[size];
            double[] dRelu = new double[size];
            for (int i = 0; i < size; i++) {
                sig[i] = 1 / (1 + Math.exp(-x.data[i]));
                dSig[i] = dY.data[i] * sig[i] * (1 - sig[i]);
                relu[i] = Math.max(0, x.data[i]);
                dRelu[i] = x.data[i] > 0 ? dY.data[i] : 0;
            }
            ElementwiseKernel s = ElementwiseKernel.sigmoid();
            assertClose(sig, values(s.forward(x)), "sigmoid of " + size);
            assertClose(dSig, values(s.backward(dY)), "sigmoid backward of " + size);
            ElementwiseKernel r = ElementwiseKernel.relu();
            assertClose(relu, values(r.forward(x)), "relu of " + size);
            assertClose(dRelu, values(r.backward(dY)), "relu backward of " + size);
        }
    }

    @Test
    void aCaseByHand() {
        Tensor x = Tensor.copyOf(Nd4j.createFromArray(new float[][] {{0, (float) Math.log(3)}}), null);
        assertClose(new double[] {0.5, 0.75}, values(ElementwiseKernel.sigmoid().forward(x)), "σ");
    }
}
