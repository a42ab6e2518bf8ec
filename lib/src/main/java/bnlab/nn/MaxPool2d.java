package bnlab.nn;

import bnlab.nn.kernel.FastLayer;
import bnlab.nn.kernel.PoolKernel;
import bnlab.nn.kernel.SmallArrays;
import bnlab.nn.kernel.Windows;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Max pooling, {@code nn.MaxPool2d(kernel_size, stride)}, for experiments: plain loops that
 * remember where each maximum came from, so the gradient goes back to that one input.
 */
public class MaxPool2d extends TwinnedLayer {

    private final int kernel;
    private final int stride;
    private long[] inputShape;
    private long[] outputShape;
    private int[] argmax;

    public MaxPool2d(int kernelSize, int stride) {
        LayerChecks.requirePoolingArguments("MaxPool2d", kernelSize, stride);
        this.kernel = kernelSize;
        this.stride = stride;
    }

    @Override
    public INDArray forward(INDArray x) {
        checkInput(LayerChecks.shape(toString(), x));
        inputShape = x.shape();
        int planes = (int) (x.size(0) * x.size(1));
        int h = (int) x.size(2);
        int w = (int) x.size(3);
        int oh = (int) Windows.outputSize(h, kernel, stride);
        int ow = (int) Windows.outputSize(w, kernel, stride);
        double[] in = SmallArrays.read(x);
        double[] out = new double[planes * oh * ow];
        argmax = new int[out.length];
        for (int p = 0; p < planes; p++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    int best = p * h * w + i * stride * w + j * stride;
                    for (int a = 0; a < kernel; a++) {
                        for (int b = 0; b < kernel; b++) {
                            int at = p * h * w + (i * stride + a) * w + j * stride + b;
                            if (in[at] > in[best]) {
                                best = at;
                            }
                        }
                    }
                    int o = (p * oh + i) * ow + j;
                    out[o] = in[best];
                    argmax[o] = best;
                }
            }
        }
        outputShape = new long[] {x.size(0), x.size(1), oh, ow};
        return SmallArrays.create(x.dataType(), outputShape, out);
    }

    @Override
    public INDArray backward(INDArray dY) {
        LayerChecks.requireForward(toString(), argmax);
        LayerChecks.gradient(toString(), dY, outputShape);
        double[] g = SmallArrays.read(dY);
        double[] dx = new double[(int) (inputShape[0] * inputShape[1] * inputShape[2] * inputShape[3])];
        for (int o = 0; o < g.length; o++) {
            dx[argmax[o]] += g[o];
        }
        return SmallArrays.create(dY.dataType(), inputShape, dx);
    }

    @Override
    FastLayer fastLayer() {
        return PoolKernel.max(kernel, stride);
    }

    @Override
    void checkInput(long[] shape) {
        LayerChecks.requireImage(toString(), shape, -1, kernel);
    }

    @Override
    public String toString() {
        return "MaxPool2d(kernel_size=" + kernel + ", stride=" + stride + ")";
    }
}
