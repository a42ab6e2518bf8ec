package bnlab.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * im2col and col2im for float tensors, stride 1, no padding, as plain loops: row (c, ki, kj)
 * of the column matrix holds x[n, c, i + ki, j + kj] for every (n, i, j). The double path of
 * {@link Conv2d} does the same with strided-view copies; the tests check they agree.
 */
final class Im2col {

    private Im2col() {
    }

    /** Fills cols (C·k·k, N·OH·OW) from x (N, C, H, W). */
    static void im2col(INDArray x, int k, INDArray cols, Scratch scratch) {
        int n = (int) x.size(0);
        int channels = (int) x.size(1);
        int h = (int) x.size(2);
        int w = (int) x.size(3);
        int oh = h - k + 1;
        int ow = w - k + 1;
        int positions = n * oh * ow;
        float[] in = FloatArrays.read(x, scratch.get(0, (int) x.length()));
        float[] all = scratch.get(1, channels * k * k * positions);
        FloatArrays.forEach(channels * k * k, positions, r -> {
            int c = r / (k * k);
            int ki = r / k % k;
            int kj = r % k;
            int o = r * positions;
            for (int e = 0; e < n; e++) {
                int plane = (e * channels + c) * h * w;
                for (int i = 0; i < oh; i++) {
                    System.arraycopy(in, plane + (i + ki) * w + kj, all, o, ow);
                    o += ow;
                }
            }
        });
        FloatArrays.write(cols, 0, all, 0, channels * k * k * positions);
    }

    /** dX (N, C, H, W) = the sum of every column's value back at the input element it came from. */
    static void col2im(INDArray dCols, int k, INDArray dX, Scratch scratch) {
        int n = (int) dX.size(0);
        int channels = (int) dX.size(1);
        int h = (int) dX.size(2);
        int w = (int) dX.size(3);
        int oh = h - k + 1;
        int ow = w - k + 1;
        int positions = n * oh * ow;
        float[] all = FloatArrays.read(dCols, scratch.get(1, (int) dCols.length()));
        // One channel per task: tasks write disjoint parts of the result, so no locking.
        int size = n * channels * h * w;
        float[] out = scratch.zeroed(0, size);
        FloatArrays.forEach(channels, (long) k * k * positions, c -> {
            for (int ki = 0; ki < k; ki++) {
                for (int kj = 0; kj < k; kj++) {
                    int o = ((c * k + ki) * k + kj) * positions;
                    for (int e = 0; e < n; e++) {
                        int plane = (e * channels + c) * h * w;
                        for (int i = 0; i < oh; i++) {
                            int at = plane + (i + ki) * w + kj;
                            for (int j = 0; j < ow; j++) {
                                out[at + j] += all[o++];
                            }
                        }
                    }
                }
            }
        });
        FloatArrays.write(dX, 0, out, 0, size);
    }
}
