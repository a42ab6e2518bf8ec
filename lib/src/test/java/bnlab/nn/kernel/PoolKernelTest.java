package bnlab.nn.kernel;

import static bnlab.nn.kernel.KernelTesting.assertClose;
import static bnlab.nn.kernel.KernelTesting.values;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/** Average and max pooling against loops over windows; by hand: [[1, 2], [3, 4]] gives 2.5 and 4. */
class PoolKernelTest {

    private static void check(boolean max, int n, int c, int h, int w, int k, int s) {
        Tensor x = KernelTesting.tensor(1, n, c, h, w);
        int oh = (h - k) / s + 1;
        int ow = (w - k) / s + 1;
        Tensor dY = KernelTesting.tensor(2, n, c, oh, ow);
        double[] y = new double[n * c * oh * ow];
        double[] dX = new double[n * c * h * w];
        for (int p = 0; p < n * c; p++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    int o = (p * oh + i) * ow + j;
                    int best = -1;
                    double sum = 0;
                    for (int a = 0; a < k; a++) {
                        for (int b = 0; b < k; b++) {
                            int at = (p * h + i * s + a) * w + j * s + b;
                            sum += x.data[at];
                            if (best < 0 || x.data[at] > x.data[best]) {
                                best = at;
                            }
                        }
                    }
                    y[o] = max ? x.data[best] : sum / (k * k);
                    if (max) {
                        dX[best] += dY.data[o];
                    } else {
                        for (int a = 0; a < k; a++) {
                            for (int b = 0; b < k; b++) {
                                dX[(p * h + i * s + a) * w + j * s + b] += dY.data[o] / (k * k);
                            }
                        }
                    }
                }
            }
        }
        PoolKernel pool = max ? PoolKernel.max(k, s) : PoolKernel.average(k, s);
        String what = (max ? "max" : "avg") + " pool " + k + "/" + s + " on " + h + "x" + w;
        assertClose(y, values(pool.forward(x)), what + " y");
        assertClose(dX, values(pool.backward(dY)), what + " dX");
    }

    @Test
    void forwardAndBackwardMatchTheLoops() {
        for (boolean max : new boolean[] {false, true}) {
            check(max, 3, 2, 6, 6, 2, 2);
            check(max, 2, 3, 5, 7, 3, 1);
            check(max, 2, 6, 24, 24, 2, 2);
            check(max, 1, 1, 5, 5, 2, 2);
            Parallel.splitEverything(3, () -> check(max, 9, 4, 8, 8, 2, 2));
        }
    }

    @Test
    void aCaseByHand() {
        Tensor x = Tensor.copyOf(Nd4j.createFromArray(new float[] {1, 2, 3, 4}).reshape(1, 1, 2, 2), null);
        assertClose(new double[] {2.5}, values(PoolKernel.average(2, 2).forward(x)), "mean");
        assertClose(new double[] {4}, values(PoolKernel.max(2, 2).forward(x)), "max");
    }
}
