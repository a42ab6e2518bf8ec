package bnlab.nn.kernel;

import static bnlab.nn.kernel.KernelTesting.assertClose;
import static bnlab.nn.kernel.KernelTesting.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import bnlab.nn.kernel.KernelTesting.Trained;
import org.junit.jupiter.api.Test;

/** A stride-1 valid convolution against its definition written as loops, forward and backward. */
class ConvKernelTest {

    private static void check(int n, int in, int out, int k, int h, int w) {
        Tensor x = KernelTesting.tensor(1, n, in, h, w);
        int oh = h - k + 1;
        int ow = w - k + 1;
        Tensor dY = KernelTesting.tensor(2, n, out, oh, ow);
        Trained weight = Trained.of(values(KernelTesting.tensor(3, out, in, k, k)), out, in, k, k);
        Trained bias = Trained.of(values(KernelTesting.tensor(4, out, 1)), out, 1);
        double[] wv = values(weight.value());
        double[] bv = values(bias.value());
        double[] y = new double[n * out * oh * ow];
        double[] dX = new double[n * in * h * w];
        double[] dW = new double[wv.length];
        double[] db = new double[out];
        for (int e = 0; e < n; e++) {
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        int yi = ((e * out + o) * oh + i) * ow + j;
                        double s = bv[o];
                        double g = dY.data[yi];
                        db[o] += g;
                        for (int c = 0; c < in; c++) {
                            for (int a = 0; a < k; a++) {
                                for (int b = 0; b < k; b++) {
                                    int xi = ((e * in + c) * h + i + a) * w + j + b;
                                    int wi = ((o * in + c) * k + a) * k + b;
                                    s += wv[wi] * x.data[xi];
                                    dX[xi] += wv[wi] * g;
                                    dW[wi] += x.data[xi] * g;
                                }
                            }
                        }
                        y[yi] = s;
                    }
                }
            }
        }
        ConvKernel conv = new ConvKernel(in, out, k, weight, bias);
        String what = "conv " + n + "x" + in + "x" + h + "x" + w + " -> " + out + ", k=" + k;
        assertClose(y, values(conv.forward(x)), what + " y");
        assertClose(dX, values(conv.backward(dY)), what + " dX");
        assertClose(dW, values(weight.grad()), what + " dW");
        assertClose(db, values(bias.grad()), what + " db");
    }

    @Test
    void forwardAndBackwardMatchTheDefinition() {
        check(3, 2, 3, 3, 7, 6);
        check(1, 1, 6, 5, 28, 28);
        check(5, 6, 16, 5, 12, 12);
        Parallel.splitEverything(3, () -> check(37, 2, 3, 3, 12, 12));
        // One and two vectors of output channels: the weight gradient straight from the images
        // (Simd.addWeightSums), and one vector: output rows as whole vectors (Simd.nnRuns).
        int lanes = Simd.get().lanes();
        check(5, 6, 2 * lanes, 5, 12, 12);
        check(5, 6, lanes, 5, 12, 12);
        check(3, 2, 5, 3, lanes + 2, lanes + 2);
    }

    /**
     * The weight gradient straight from the images ({@link Simd#addWeightSums}, for one or two
     * vectors of output channels) gives the same bits as im2col and the product sums it replaces:
     * switched off and on, on LeNet's second convolution's input (6 channels, 12×12, 5×5
     * windows) with one and two vectors of output channels.
     */
    @Test
    void weightGradientsStraightFromTheImagesAreTheSameBits() {
        int lanes = Simd.get().lanes();
        // (output channels, output width): fewer than 256 outputs, where the im2col path sums as
        // TransposedProductSums does.
        for (int[] shape : new int[][] {{lanes, 8}, {2 * lanes, 8}}) {
            int out = shape[0];
            int ow = shape[1];
            int h = ow + 4;
            Tensor x = KernelTesting.tensor(1, 9, 6, h, h);
            Tensor dY = KernelTesting.tensor(2, 9, out, ow, ow);
            double[] wv = values(KernelTesting.tensor(3, out, 6, 5, 5));
            double[] bv = values(KernelTesting.tensor(4, out, 1));
            float[][] grads = new float[2][];
            float[][] dXs = new float[2][];
            boolean before = ConvKernel.directWeightSums;
            try {
                for (int v = 0; v < 2; v++) {
                    ConvKernel.directWeightSums = v == 1;
                    Trained weight = Trained.of(wv, out, 6, 5, 5);
                    ConvKernel conv = new ConvKernel(6, out, 5, weight, Trained.of(bv, out, 1));
                    conv.forward(x);
                    dXs[v] = conv.backward(dY).data.clone();
                    grads[v] = weight.grad().data().asFloat();
                }
            } finally {
                ConvKernel.directWeightSums = before;
            }
            assertArrayEquals(grads[0], grads[1], "dW, " + out + " output channels, with and without addWeightSums");
            assertArrayEquals(dXs[0], dXs[1], "dX, " + out + " output channels");
        }
    }

    /**
     * The forward pass straight from the images ({@link Simd#convForward}) gives the same bits as
     * im2col and the product it replaces: switched off and on, on LeNet's two convolutions, with
     * output channels that leave rows over, odd output heights, and the images split across parts.
     */
    @Test
    void forwardStraightFromTheImagesIsTheSameBits() {
        int lanes = Simd.get().lanes();
        for (int[] shape : new int[][] {
            {6, 16, 12, 12},
            {6, lanes, 12, 12},
            {3, 7, 11, 12},
            {2, 2 * lanes + 3, 12, 12},
            {1, 6, 28, 28},
            {2, 5, 9, 28}
        }) {
            int in = shape[0];
            int out = shape[1];
            Tensor x = KernelTesting.tensor(1, 9, in, shape[2], shape[3]);
            double[] wv = values(KernelTesting.tensor(3, out, in, 5, 5));
            double[] bv = values(KernelTesting.tensor(4, out, 1));
            float[][] ys = new float[2][];
            boolean before = ConvKernel.directForward;
            try {
                for (int v = 0; v < 2; v++) {
                    ConvKernel.directForward = v == 1;
                    ConvKernel conv = new ConvKernel(in, out, 5, Trained.of(wv, out, in, 5, 5), Trained.of(bv, out, 1));
                    float[][] into = ys;
                    int at = v;
                    Parallel.splitEverything(
                            2, () -> into[at] = conv.forward(x).data.clone());
                }
            } finally {
                ConvKernel.directForward = before;
            }
            assertArrayEquals(ys[0], ys[1], "y, " + in + " -> " + out + " channels, with and without convForward");
        }
    }

    @Test
    void aFirstLayerSkipsTheInputGradient() {
        ConvKernel conv =
                new ConvKernel(1, 2, 3, Trained.of(new double[18], 2, 1, 3, 3), Trained.of(new double[2], 2, 1));
        conv.inputGradientNotNeeded();
        conv.forward(KernelTesting.tensor(1, 2, 1, 5, 5));
        assertNull(conv.backward(KernelTesting.tensor(2, 2, 2, 3, 3)));
    }
}
