package bnlab.nn.kernel;

/**
 * {@code bnlab.nn.AvgPool2d} and {@code bnlab.nn.MaxPool2d}: plain loops over each (example,
 * channel) plane, planes split across cores. Max pooling remembers where each maximum was, so
 * its gradient goes back to that one input.
 */
public final class PoolKernel implements FastLayer {

    private final int k;
    private final int s;
    private final boolean max;
    private Tensor x;
    private Tensor y;
    private Tensor dX;
    private int[] argmax;

    private PoolKernel(int kernel, int stride, boolean max) {
        this.k = kernel;
        this.s = stride;
        this.max = max;
    }

    public static PoolKernel average(int kernel, int stride) {
        return new PoolKernel(kernel, stride, false);
    }

    public static PoolKernel max(int kernel, int stride) {
        return new PoolKernel(kernel, stride, true);
    }

    @Override
    public Tensor forward(Tensor input) {
        x = input;
        int oh = (x.h - k) / s + 1;
        int ow = (x.w - k) / s + 1;
        y = Tensor.reuse(y, x.n, x.c, oh, ow, 4);
        if (max && (argmax == null || argmax.length < y.size())) {
            argmax = new int[y.size()];
        }
        int planes = x.n * x.c;
        float scale = 1f / (k * k);
        float[] in = x.data;
        float[] out = y.data;
        int h = x.h;
        int w = x.w;
        boolean halves = !max && k == 2 && s == 2;
        Parallel.forEach(planes, (long) h * w, (part, from, to) -> {
            for (int pl = from; pl < to; pl++) {
                int src = pl * h * w;
                int dst = pl * oh * ow;
                if (halves) {
                    average2x2(in, src, w, out, dst, oh, ow);
                    continue;
                }
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        int corner = src + i * s * w + j * s;
                        if (max) {
                            int best = corner;
                            for (int a = 0; a < k; a++) {
                                for (int b = 0; b < k; b++) {
                                    int at = corner + a * w + b;
                                    if (in[at] > in[best]) {
                                        best = at;
                                    }
                                }
                            }
                            out[dst + i * ow + j] = in[best];
                            argmax[dst + i * ow + j] = best;
                        } else {
                            float sum = 0;
                            for (int a = 0; a < k; a++) {
                                for (int b = 0; b < k; b++) {
                                    sum += in[corner + a * w + b];
                                }
                            }
                            out[dst + i * ow + j] = sum * scale;
                        }
                    }
                }
            }
        });
        return y;
    }

    @Override
    public Tensor backward(Tensor dY) {
        if (x == null) {
            throw new IllegalStateException(this + ".backward called before forward");
        }
        dX = Tensor.reuseLike(dX, x);
        int planes = x.n * x.c;
        int h = x.h;
        int w = x.w;
        int oh = dY.h;
        int ow = dY.w;
        float scale = 1f / (k * k);
        float[] g = dY.data;
        float[] out = dX.data;
        boolean halves = !max && k == 2 && s == 2;
        // 2×2 windows that tile the plane write every input once: nothing to clear first.
        boolean tiled = halves && h == 2 * oh && w == 2 * ow;
        Parallel.forEach(planes, (long) h * w, (part, from, to) -> {
            if (!tiled) {
                java.util.Arrays.fill(out, from * h * w, to * h * w, 0f);
            }
            for (int pl = from; pl < to; pl++) {
                int src = pl * oh * ow;
                int dst = pl * h * w;
                if (halves) {
                    spread2x2(g, src, out, dst, w, oh, ow);
                    continue;
                }
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        int o = src + i * ow + j;
                        if (max) {
                            out[argmax[o]] += g[o];
                        } else {
                            float v = g[o] * scale;
                            int corner = dst + i * s * w + j * s;
                            for (int a = 0; a < k; a++) {
                                for (int b = 0; b < k; b++) {
                                    out[corner + a * w + b] += v;
                                }
                            }
                        }
                    }
                }
            }
        });
        return dX;
    }

    /** LeNet's 2×2 average pooling with stride 2, without the general loop's bookkeeping. */
    private static void average2x2(float[] in, int src, int w, float[] out, int dst, int oh, int ow) {
        for (int i = 0; i < oh; i++) {
            int r0 = src + 2 * i * w;
            int r1 = r0 + w;
            int o = dst + i * ow;
            for (int j = 0; j < ow; j++) {
                out[o + j] = (in[r0 + 2 * j] + in[r0 + 2 * j + 1] + in[r1 + 2 * j] + in[r1 + 2 * j + 1]) * 0.25f;
            }
        }
    }

    /** The backward of {@link #average2x2}: each output gradient, divided by 4, to its four inputs. */
    private static void spread2x2(float[] g, int src, float[] out, int dst, int w, int oh, int ow) {
        for (int i = 0; i < oh; i++) {
            int r0 = dst + 2 * i * w;
            int r1 = r0 + w;
            int o = src + i * ow;
            for (int j = 0; j < ow; j++) {
                float v = g[o + j] * 0.25f;
                out[r0 + 2 * j] = v;
                out[r0 + 2 * j + 1] = v;
                out[r1 + 2 * j] = v;
                out[r1 + 2 * j + 1] = v;
            }
        }
    }

    @Override
    public String toString() {
        return (max ? "MaxPool" : "AvgPool") + "Kernel(" + k + ", " + s + ")";
    }
}
