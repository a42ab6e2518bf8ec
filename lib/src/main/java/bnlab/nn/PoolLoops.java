package bnlab.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Average pooling of float tensors as plain loops over each (example, channel) plane. */
final class PoolLoops {

    private PoolLoops() {
    }

    static void averageForward(INDArray x, int k, int s, INDArray y, Scratch scratch) {
        int planes = (int) (x.size(0) * x.size(1));
        int h = (int) x.size(2);
        int w = (int) x.size(3);
        int oh = (int) y.size(2);
        int ow = (int) y.size(3);
        float[] in = FloatArrays.read(x, scratch.get(0, (int) x.length()));
        float[] out = scratch.get(1, planes * oh * ow);
        float scale = 1f / (k * k);
        FloatArrays.forEach(planes, (long) h * w, p -> {
            int src = p * h * w;
            int dst = p * oh * ow;
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    float sum = 0;
                    for (int a = 0; a < k; a++) {
                        int row = src + (i * s + a) * w + j * s;
                        for (int b = 0; b < k; b++) {
                            sum += in[row + b];
                        }
                    }
                    out[dst + i * ow + j] = sum * scale;
                }
            }
        });
        FloatArrays.write(y, 0, out, 0, planes * oh * ow);
    }

    static void averageBackward(INDArray dY, int k, int s, INDArray dX, Scratch scratch) {
        int planes = (int) (dX.size(0) * dX.size(1));
        int h = (int) dX.size(2);
        int w = (int) dX.size(3);
        int oh = (int) dY.size(2);
        int ow = (int) dY.size(3);
        float[] g = FloatArrays.read(dY, scratch.get(1, (int) dY.length()));
        float[] out = scratch.zeroed(0, planes * h * w);
        float scale = 1f / (k * k);
        FloatArrays.forEach(planes, (long) h * w, p -> {
            int src = p * oh * ow;
            int dst = p * h * w;
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    float v = g[src + i * ow + j] * scale;
                    for (int a = 0; a < k; a++) {
                        int row = dst + (i * s + a) * w + j * s;
                        for (int b = 0; b < k; b++) {
                            out[row + b] += v;
                        }
                    }
                }
            }
        });
        FloatArrays.write(dX, 0, out, 0, planes * h * w);
    }
}
