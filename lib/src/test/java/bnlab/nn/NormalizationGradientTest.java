package bnlab.nn;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnlab.FiniteDifferences;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The hand-written backward passes of the batch-norm alternatives against central finite
 * differences in double precision ({@link GradientCheck}): input, γ and β gradients, in training
 * and inference mode, after a convolution and after a fully-connected layer, and with a single
 * example where the layer allows one.
 */
class NormalizationGradientTest {

    private static final DataType D = DataType.DOUBLE;
    private static final double EPS = 1e-5;

    private static INDArray input(long... shape) {
        Nd4j.getRandom().setSeed(21);
        // Non-zero means, so centring matters.
        return Nd4j.randn(D, shape).muli(1.7).addi(0.4);
    }

    /** γ and β away from 1 and 0, so their gradients and their effect on dX are checked. */
    private static <T extends Layer> T randomAffine(T m) {
        Nd4j.getRandom().setSeed(22);
        for (Parameter p : m.parameters()) {
            p.value().assign(Nd4j.rand(D, p.value().shape()).addi(0.5));
        }
        return m;
    }

    /** Checks the layer in training mode and again in inference mode. */
    private static void checkBothModes(Supplier<Layer> make, INDArray x, long seed) {
        FiniteDifferences.checkLayer(randomAffine(make.get()), x, seed);
        FiniteDifferences.checkLayer(randomAffine(make.get()).eval(), x, seed + 1);
    }

    @Test
    void layerNorm() {
        checkBothModes(() -> new LayerNorm(new long[] {3, 3, 4}, EPS, D), input(2, 3, 3, 4), 1);
        checkBothModes(() -> new LayerNorm(new long[] {7}, EPS, D), input(4, 7), 3);
        checkBothModes(() -> new LayerNorm(new long[] {2, 3, 3}, EPS, D), input(1, 2, 3, 3), 5);
        checkBothModes(() -> new LayerNorm(new long[] {5}, EPS, D), input(1, 5), 7);
    }

    @Test
    void groupNorm() {
        for (int groups : new int[] {1, 2, 4}) {
            checkBothModes(() -> new GroupNorm(groups, 4, EPS, D), input(3, 4, 3, 3), 10 + groups);
        }
        checkBothModes(() -> new GroupNorm(3, 6, EPS, D), input(3, 6), 20);
        checkBothModes(() -> new GroupNorm(2, 4, EPS, D), input(1, 4, 2, 3), 22);
        checkBothModes(() -> new GroupNorm(2, 6, EPS, D), input(1, 6), 24);
    }

    @Test
    void instanceNorm() {
        checkBothModes(() -> new InstanceNorm(3, EPS, D), input(2, 3, 3, 4), 30);
        checkBothModes(() -> new InstanceNorm(2, EPS, D), input(1, 2, 3, 3), 32);
    }

    @Test
    void ghostBatchNorm() {
        // 6 examples in virtual batches of 2 (three equal) and of 4 (4 + 2); 8 rows in 3 + 3 + 2.
        for (int v : new int[] {2, 4}) {
            checkBothModes(() -> moved(new GhostBatchNorm(3, 4, v, EPS, 0.9, D)), input(6, 3, 2, 3), 40 + v);
        }
        checkBothModes(() -> moved(new GhostBatchNorm(4, 2, 3, EPS, 0.9, D)), input(8, 4), 50);
        // One example after a convolution: its H·W values are enough.
        checkBothModes(() -> moved(new GhostBatchNorm(3, 4, 2, EPS, 0.9, D)), input(1, 3, 3, 3), 52);
    }

    /**
     * Batch renorm with momentum 1, so the moving statistics (and with them r and d) stay the
     * same across the many forward passes of a finite-difference check. Where r and d are
     * clipped they are locally constant, and the paper's backward (no gradient through r and d)
     * is the true derivative: r_max = 1, d_max = 0 (batch norm), and far-away moving statistics
     * with tight limits. Where they are not clipped the paper drops their gradient on purpose;
     * {@link NormalizationLayersTest} checks that backward against batch norm's with γ·r.
     */
    @Test
    void batchRenormWhereRAndDAreClipped() {
        Supplier<Layer> asBatchNorm =
                () -> moved(new BatchRenorm(3, 4, EPS, 1.0, D)).setLimits(1, 0);
        checkBothModes(asBatchNorm, input(4, 3, 2, 3), 60);
        Supplier<Layer> clipped = () -> far(new BatchRenorm(3, 4, EPS, 1.0, D)).setLimits(1.2, 0.1);
        checkBothModes(clipped, input(4, 3, 2, 3), 62);
        checkBothModes(() -> far(new BatchRenorm(4, 2, EPS, 1.0, D)).setLimits(1.2, 0.1), input(6, 4), 64);
        checkBothModes(() -> far(new BatchRenorm(3, 4, EPS, 1.0, D)).setLimits(1.2, 0.1), input(1, 3, 3, 3), 66);
    }

    @Test
    void theBatchFamilyRefusesOneExampleAfterAFullyConnectedLayer() {
        INDArray one = input(1, 4);
        for (Layer m : new Layer[] {new GhostBatchNorm(4, 2, 2, EPS, 0.9, D), new BatchRenorm(4, 2, EPS, 0.9, D)}) {
            String e = assertThrows(IllegalArgumentException.class, () -> m.forward(one))
                    .getMessage();
            assertTrue(e.contains("eval()") && e.contains("[1, 4]"), e);
            FiniteDifferences.checkLayer(randomAffine(m).eval(), one, 70);
        }
    }

    /** Moving statistics away from 0 and 1, so inference mode is not the identity. */
    private static <T extends BatchStatisticsNorm> T moved(T m) {
        m.movingMean()
                .assign(Nd4j.linspace(-0.5, 0.7, m.movingMean().length(), D)
                        .reshape(m.movingMean().shape()));
        m.movingVar()
                .assign(Nd4j.linspace(0.5, 2.5, m.movingVar().length(), D)
                        .reshape(m.movingVar().shape()));
        return m;
    }

    /** Moving statistics far from any batch's: σ_B/σ ≈ 0.17 and |μ_B − μ|/σ ≈ 0.8, both clipped by (1.2, 0.1). */
    private static <T extends BatchStatisticsNorm> T far(T m) {
        m.movingMean().assign(5.0);
        m.movingVar().assign(100.0);
        return m;
    }
}
