package bnlab.nn.kernel;

import static bnlab.nn.kernel.KernelTesting.assertClose;
import static bnlab.nn.kernel.KernelTesting.values;

import bnlab.nn.kernel.KernelTesting.Trained;
import org.junit.jupiter.api.Test;

/**
 * Per-example normalization (groups of whole channels; γ, β per channel or per element) against
 * its formulas written as loops in double:
 * x̂ = (x − μ)/√(σ² + ε), y = γ·x̂ + β, dX = (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂))/√(σ² + ε) per group.
 */
class GroupNormKernelTest {

    private static void check(int n, int c, int h, int w, int groups, boolean perElement) {
        check(n, c, h, w, groups, perElement, true);
    }

    private static void check(int n, int c, int h, int w, int groups, boolean perElement, boolean center) {
        Tensor x = KernelTesting.tensor(1, n, c, h, w);
        Tensor dY = KernelTesting.tensor(2, n, c, h, w);
        int example = c * h * w;
        int affine = perElement ? example : c;
        Trained gamma = Trained.of(values(KernelTesting.tensor(3, 1, affine)), 1, affine);
        Trained beta = Trained.of(values(KernelTesting.tensor(4, 1, affine)), 1, affine);
        double[] g = values(gamma.value());
        double[] b = values(beta.value());
        int m = example / groups;
        double[] y = new double[x.size()];
        double[] dX = new double[x.size()];
        double[] dGamma = new double[affine];
        double[] dBeta = new double[affine];
        for (int row = 0; row < n * groups; row++) {
            int off = row * m;
            int at = (row % groups) * m;
            double mean = 0;
            for (int i = 0; i < m && center; i++) {
                mean += x.data[off + i] / (double) m;
            }
            double var = 0;
            for (int i = 0; i < m; i++) {
                var += (x.data[off + i] - mean) * (x.data[off + i] - mean) / m;
            }
            double is = 1 / Math.sqrt(var + 1e-5);
            double meanD = 0;
            double meanDX = 0;
            double[] xh = new double[m];
            double[] dxh = new double[m];
            for (int i = 0; i < m; i++) {
                int a = perElement ? at + i : (at + i) / (h * w);
                xh[i] = (x.data[off + i] - mean) * is;
                y[off + i] = g[a] * xh[i] + b[a];
                dxh[i] = dY.data[off + i] * g[a];
                meanD += dxh[i] / m;
                meanDX += dxh[i] * xh[i] / m;
                dGamma[a] += dY.data[off + i] * xh[i];
                dBeta[a] += dY.data[off + i];
            }
            for (int i = 0; i < m; i++) {
                dX[off + i] = (dxh[i] - (center ? meanD : 0) - xh[i] * meanDX) * is;
            }
        }
        GroupNormKernel k =
                new GroupNormKernel(gamma, beta, 1e-5, perElement, center, shape -> groups, (shape, mean, var) -> {});
        String what = "groups " + groups + (perElement ? " per element" : " per channel")
                + (center ? "" : ", no centring") + " on " + n + "x" + c + "x" + h + "x" + w;
        assertClose(y, values(k.forward(x)), what + " y");
        assertClose(dX, values(k.backward(dY)), what + " dX");
        assertClose(dGamma, values(gamma.grad()), what + " dGamma");
        assertClose(dBeta, values(beta.grad()), what + " dBeta");
    }

    @Test
    void layerNormGroupNormAndInstanceNormMatchTheFormulas() {
        check(3, 6, 4, 4, 1, true);
        check(3, 6, 4, 4, 2, false);
        check(2, 6, 5, 3, 6, false);
        check(5, 150, 1, 1, 5, false);
        check(3, 6, 4, 4, 1, true, false);
        check(5, 84, 1, 1, 1, true, false);
        Parallel.splitEverything(3, () -> check(7, 4, 6, 6, 2, false));
    }
}
