package bnlab.nn.kernel;

import static bnlab.nn.kernel.KernelTesting.assertClose;
import static bnlab.nn.kernel.KernelTesting.values;

import bnlab.nn.kernel.KernelTesting.Trained;
import org.junit.jupiter.api.Test;

/** Y = X·Wᵀ + b and its gradients against loops, with and without a bias; by hand: W = [[1, 2], [3, 4]]. */
class LinearKernelTest {

    private static void check(int n, int in, int out, boolean withBias) {
        Tensor x = KernelTesting.tensor(1, n, in);
        Tensor dY = KernelTesting.tensor(2, n, out);
        Trained weight = Trained.of(values(KernelTesting.tensor(3, out, in)), out, in);
        Trained bias = withBias ? Trained.of(values(KernelTesting.tensor(4, 1, out)), 1, out) : null;
        double[] wv = values(weight.value());
        double[] y = new double[n * out];
        double[] dX = new double[n * in];
        double[] dW = new double[out * in];
        double[] db = new double[out];
        for (int e = 0; e < n; e++) {
            for (int o = 0; o < out; o++) {
                double s = withBias ? bias.value().getDouble(o) : 0;
                double g = dY.data[e * out + o];
                db[o] += g;
                for (int i = 0; i < in; i++) {
                    s += wv[o * in + i] * x.data[e * in + i];
                    dX[e * in + i] += g * wv[o * in + i];
                    dW[o * in + i] += g * x.data[e * in + i];
                }
                y[e * out + o] = s;
            }
        }
        LinearKernel linear = new LinearKernel(in, out, weight, bias);
        String what = "linear " + n + "x" + in + " -> " + out + (withBias ? "" : " no bias");
        assertClose(y, values(linear.forward(x)), what + " y");
        assertClose(dX, values(linear.backward(dY)), what + " dX");
        assertClose(dW, values(weight.grad()), what + " dW");
        if (withBias) {
            assertClose(db, values(bias.grad()), what + " db");
        }
    }

    @Test
    void forwardAndBackwardMatchTheLoops() {
        check(1, 2, 2, true);
        check(7, 13, 5, true);
        check(256, 256, 120, true);
        check(33, 84, 10, false);
        Parallel.splitEverything(3, () -> check(37, 150, 84, true));
    }

    @Test
    void aCaseByHand() {
        LinearKernel linear = new LinearKernel(
                2, 2, Trained.of(new double[] {1, 2, 3, 4}, 2, 2), Trained.of(new double[] {1, 1}, 1, 2));
        Tensor x = Tensor.copyOf(org.nd4j.linalg.factory.Nd4j.createFromArray(new float[][] {{1, 1}}), null);
        assertClose(new double[] {4, 8}, values(linear.forward(x)), "[1, 1]·Wᵀ + 1 = [4, 8]");
    }
}
