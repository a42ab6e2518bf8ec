package bnlab.nn.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The one batch-statistics kernel against the double-precision loops ({@link BatchNormRows}) for
 * every combination the layers use: virtual batches (batch norm: one; Ghost BN: several, the last
 * smaller), centring and scaling (the lite forms), Batch Renorm's r and d, inference, fully
 * connected (S = 1) and convolutional (S &gt; 1) inputs, with the work split across threads.
 */
class BatchNormKernelTest {

    /** A parameter as the kernel sees it. */
    private record Trained(INDArray value, INDArray grad) implements TrainedArray {
        static Trained of(INDArray value) {
            return new Trained(value, value.ulike());
        }
    }

    /** How a layer answers the kernel: its virtual batch and a normalizer built from the statistics. */
    private record Setting(
            String name, int virtualBatch, boolean center, boolean scale, boolean renorm, boolean training) {
        BatchNormalizer normalizer(double[][] mean, double[][] var) {
            BatchNormalizer plain = BatchNormalizer.of(mean, var, 1e-5, center, scale);
            if (!renorm) {
                return plain;
            }
            double[][] r = new double[mean.length][mean[0].length];
            double[][] d = new double[mean.length][mean[0].length];
            for (double[] row : r) {
                Arrays.fill(row, 0.7);
            }
            for (double[] row : d) {
                Arrays.fill(row, 1.5);
            }
            return new BatchNormalizer(true, true, mean, plain.invStd(), r, d);
        }

        /** Statistics as a fixed "moving" pair in inference: mean 0.3, variance 2. */
        BatchNormalizer inference(int channels) {
            double[][] mean = {new double[channels]};
            double[][] var = {new double[channels]};
            Arrays.fill(mean[0], 0.3);
            Arrays.fill(var[0], 2.0);
            return BatchNormalizer.of(mean, var, 1e-5, center, scale);
        }
    }

    private static List<Setting> settings() {
        List<Setting> all = new ArrayList<>();
        for (boolean[] form : new boolean[][] {{true, true}, {true, false}, {false, true}}) {
            all.add(new Setting(
                    "batch norm center " + form[0] + " scale " + form[1],
                    Integer.MAX_VALUE,
                    form[0],
                    form[1],
                    false,
                    true));
            all.add(new Setting(
                    "inference center " + form[0] + " scale " + form[1],
                    Integer.MAX_VALUE,
                    form[0],
                    form[1],
                    false,
                    false));
        }
        // Virtual batches of 3 and 4 (of 2, a pair of nearly equal values has σ_B ≈ 0 and 1/σ_B
        // multiplies the float rounding of its mean; NormalizationTwinsTest bounds that case).
        all.add(new Setting("ghost batches of 3", 3, true, true, false, true));
        all.add(new Setting("ghost batches of 4", 4, true, true, false, true));
        all.add(new Setting("renorm r = 0.7, d = 1.5", Integer.MAX_VALUE, true, true, true, true));
        return all;
    }

    /** Kernel and double loops on one input; returns nothing, asserts y, dX, dγ, dβ agree. */
    private static void agree(Setting setting, long[] shape) {
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.randn(DataType.FLOAT, shape).muli(2).addi(0.5);
        INDArray dY = Nd4j.randn(DataType.FLOAT, shape);
        int channels = (int) shape[1];
        INDArray gamma = Nd4j.rand(DataType.FLOAT, 1, channels).addi(0.5);
        INDArray beta = Nd4j.randn(DataType.FLOAT, 1, channels);
        int n = (int) shape[0];
        int v = Math.min(setting.virtualBatch(), n);
        // The double loops.
        double[][][] stats = BatchNormRows.statistics(Rows.of(x), channels, v);
        BatchNormalizer norm =
                setting.training() ? setting.normalizer(stats[0], stats[1]) : setting.inference(channels);
        INDArray y = x.ulike();
        INDArray xHat = x.ulike();
        BatchNormRows.normalize(
                Rows.of(x),
                norm,
                setting.training() ? v : n,
                SmallArrays.read(gamma),
                SmallArrays.read(beta),
                Rows.of(xHat),
                Rows.of(y));
        INDArray dX = x.ulike();
        double[] dGamma = new double[channels];
        double[] dBeta = new double[channels];
        BatchNormRows.backward(
                Rows.of(dY),
                Rows.of(xHat),
                SmallArrays.read(gamma),
                norm,
                setting.training() ? v : n,
                setting.training(),
                Rows.of(dX),
                dGamma,
                dBeta);
        // The kernel.
        Trained g = Trained.of(gamma);
        Trained b = Trained.of(beta);
        BatchNormKernel kernel = new BatchNormKernel(g, b, new BatchNormKernel.Hooks() {
            @Override
            public boolean training() {
                return setting.training();
            }

            @Override
            public int virtualBatch(int examples) {
                return Math.min(setting.virtualBatch(), examples);
            }

            @Override
            public BatchNormalizer training(long[] s, double[][] mean, double[][] var) {
                return setting.normalizer(mean, var);
            }

            @Override
            public BatchNormalizer inference(long[] s) {
                return setting.inference(channels);
            }
        });
        INDArray yFast = kernel.forward(Tensor.copyOf(x, null)).toINDArray();
        INDArray dXFast = kernel.backward(Tensor.copyOf(dY, null)).toINDArray();
        String what = setting.name() + " " + Arrays.toString(shape);
        assertClose(y, yFast, what + " y");
        assertClose(dX, dXFast, what + " dX");
        assertClose(SmallArrays.create(DataType.DOUBLE, new long[] {channels}, dGamma), g.grad(), what + " dGamma");
        assertClose(SmallArrays.create(DataType.DOUBLE, new long[] {channels}, dBeta), b.grad(), what + " dBeta");
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        KernelTesting.assertClose(KernelTesting.values(expected), KernelTesting.values(actual), what);
    }

    /** Shapes whose virtual batches all hold two values per channel or more (the layers refuse others). */
    @Test
    void theKernelComputesWhatTheDoubleLoopsComputeForEveryOption() {
        for (Setting s : settings()) {
            for (long[] shape : new long[][] {{7, 5, 3, 4}, {8, 3, 6, 6}, {12, 20}, {64, 33}, {14, 20}}) {
                agree(s, shape);
            }
        }
    }

    @Test
    void splittingTheWorkAcrossThreadsChangesNothing() {
        Parallel.splitEverything(3, this::theKernelComputesWhatTheDoubleLoopsComputeForEveryOption);
    }

    /** By hand: [[1], [3]] has μ = 2 and σ² = 1, so x̂ = ∓1/√(1 + ε); with γ = 2, β = 1, y = 1 ∓ 2/√(1 + ε). */
    @Test
    void aCaseCheckableByHand() {
        Trained g = Trained.of(Nd4j.createFromArray(new float[] {2}).reshape(1, 1));
        Trained b = Trained.of(Nd4j.createFromArray(new float[] {1}).reshape(1, 1));
        BatchNormKernel kernel = new BatchNormKernel(g, b, new BatchNormKernel.Hooks() {
            @Override
            public boolean training() {
                return true;
            }

            @Override
            public int virtualBatch(int n) {
                return n;
            }

            @Override
            public BatchNormalizer training(long[] shape, double[][] mean, double[][] var) {
                assertArrayEquals(new double[] {2}, mean[0], 0.0);
                assertArrayEquals(new double[] {1}, var[0], 0.0);
                return BatchNormalizer.of(mean, var, 1e-5, true, true);
            }

            @Override
            public BatchNormalizer inference(long[] shape) {
                throw new AssertionError("training mode");
            }
        });
        INDArray y = kernel.forward(Tensor.copyOf(Nd4j.createFromArray(new float[][] {{1}, {3}}), null))
                .toINDArray();
        double s = 1 / Math.sqrt(1 + 1e-5);
        assertArrayEquals(
                new float[] {(float) (1 - 2 * s), (float) (1 + 2 * s)},
                y.reshape(2).toFloatVector(),
                1e-6f);
    }
}
