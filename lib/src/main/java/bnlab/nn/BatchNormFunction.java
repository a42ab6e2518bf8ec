package bnlab.nn;

import bnlab.nn.kernel.BatchNormKernel;
import bnlab.nn.kernel.BatchNormRows;
import bnlab.nn.kernel.BatchNormalizer;
import bnlab.nn.kernel.Rows;
import bnlab.nn.kernel.SmallArrays;
import bnlab.nn.kernel.Tensor;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Batch normalization as a function, the {@code batch_norm} of d2l's chapter (its PyTorch code) in
 * Java, with its backward pass (notebooks 2 and 3).
 *
 * <p>Training mode normalizes each channel with the batch mean μ and biased variance σ² (over
 * axis 0 for (N, C), over axes 0, 2, 3 for (N, C, H, W)):
 * {@code y = gamma * (x - μ) / sqrt(σ² + eps) + beta}, and returns the moving statistics
 * updated with d2l's convention {@code moving = momentum * moving + (1 - momentum) * batch}
 * (momentum 0.9, eps 1e-5). Inference mode normalizes with the moving statistics instead.
 *
 * <p>Conventions against PyTorch: {@code torch.nn.BatchNorm2d(momentum=0.1)} weighs the
 * <em>batch</em> by its momentum, so its 0.1 is our 1 − 0.9: the same update. PyTorch stores
 * the <em>unbiased</em> batch variance (× m/(m−1), m = N·H·W) in its running variance while
 * normalizing with the biased one; we follow d2l and store the biased variance, the quantity
 * the batch was actually normalized with. The two differ by m/(m−1): 1.00007 for conv1 of LeNet
 * (m = 147 456), 1.004 for a fully-connected layer at batch 256. The PyTorch agreement test
 * converts between the two.
 *
 * <p>Every batch norm layer ({@link BatchNorm}, {@link GhostBatchNorm}, {@link BatchRenorm}) runs
 * this same function when it runs as written, with its own choice of virtual batches and
 * normalization; the fast engine's twin of all of them is {@link BatchNormKernel}. Float and double
 * tensors are accepted; all sums run in double precision, so a float result is the exact result
 * rounded once.
 */
public final class BatchNormFunction {

    /** d2l's defaults. */
    public static final double EPS = 1e-5;

    public static final double MOMENTUM = 0.9;

    private BatchNormFunction() {}

    /** d2l's {@code batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum)}. */
    public static BatchNormResult batchNorm(
            INDArray x,
            INDArray gamma,
            INDArray beta,
            INDArray movingMean,
            INDArray movingVar,
            double eps,
            double momentum,
            Mode mode) {
        BatchNormChecks.hyperparameters(eps, momentum);
        int channels = BatchNormChecks.input(x);
        BatchNormChecks.mode(mode);
        BatchNormChecks.perChannel("gamma", gamma, channels);
        BatchNormChecks.perChannel("beta", beta, channels);
        BatchNormChecks.perChannel("movingMean", movingMean, channels);
        BatchNormChecks.perChannel("movingVar", movingVar, channels);
        INDArray[] moving = {movingMean, movingVar};
        Normalized n = normalize(x, gamma, beta, new BatchNormKernel.Hooks() {
            @Override
            public boolean training() {
                return mode == Mode.TRAINING;
            }

            @Override
            public int virtualBatch(int examples) {
                return examples;
            }

            @Override
            public BatchNormalizer training(long[] shape, double[][] mean, double[][] var) {
                BatchNormChecks.enoughValues(shape);
                BatchNormChecks.finite("batch", shape, mean[0], var[0]);
                moving[0] = like(movingMean, MovingStatistics.movingAverage(values(movingMean), mean[0], momentum));
                moving[1] = like(movingVar, MovingStatistics.movingAverage(values(movingVar), var[0], momentum));
                return BatchNormalizer.of(mean, var, eps, true, true);
            }

            @Override
            public BatchNormalizer inference(long[] shape) {
                return movingNormalizer(shape, values(movingMean), values(movingVar), eps, true, true);
            }
        });
        return new BatchNormResult(
                n.y(),
                moving[0],
                moving[1],
                n.xHat(),
                like(gamma, n.normalizer().invStd()[0]),
                mode);
    }

    /**
     * The backward pass: given dY = ∂loss/∂y for the output of {@code forward}, returns dX, dGamma
     * and dBeta (derivation in notebook 3b).
     */
    public static BatchNormGradients batchNormBackward(INDArray dY, BatchNormResult forward, INDArray gamma) {
        BatchNormChecks.gradientShape(dY, forward.y());
        int channels = (int) forward.y().size(1);
        BatchNormChecks.perChannel("gamma", gamma, channels);
        double[] invStd = values(forward.invStd());
        BatchNormalizer norm = new BatchNormalizer(
                true,
                true,
                new double[][] {new double[channels]},
                new double[][] {invStd},
                new double[][] {filled(channels, 1)},
                new double[][] {new double[channels]});
        Normalized n = new Normalized(
                forward.y(), forward.xHat(), norm, (int) forward.y().size(0), forward.mode() == Mode.TRAINING);
        INDArray dGamma = Nd4j.createUninitialized(gamma.dataType(), gamma.shape());
        INDArray dBeta = Nd4j.createUninitialized(gamma.dataType(), gamma.shape());
        INDArray dX = backward(dY, n, gamma, dGamma, dBeta);
        return new BatchNormGradients(dX, dGamma, dBeta);
    }

    /** A forward pass as the backward pass needs it: output, x̂, what normalized, how the batch was cut. */
    record Normalized(INDArray y, INDArray xHat, BatchNormalizer normalizer, int virtualBatch, boolean training) {}

    /**
     * The forward pass every batch norm layer runs as written: per-channel statistics of each
     * virtual batch (training) handed to {@code hooks}, which checks them, keeps what it needs and
     * says how to normalize; or the hooks' inference normalization. x must be checked already.
     */
    static Normalized normalize(INDArray x, INDArray gamma, INDArray beta, BatchNormKernel.Hooks hooks) {
        x = contiguous(x);
        int channels = (int) x.size(1);
        long[] shape = x.shape();
        boolean training = hooks.training();
        int virtualBatch = training ? hooks.virtualBatch((int) shape[0]) : (int) shape[0];
        BatchNormalizer norm;
        if (training) {
            double[][][] stats = BatchNormRows.statistics(Rows.of(x), channels, virtualBatch);
            norm = hooks.training(shape, stats[0], stats[1]);
        } else {
            norm = hooks.inference(shape);
        }
        INDArray y = Nd4j.createUninitialized(x.dataType(), shape);
        INDArray xHat = Nd4j.createUninitialized(x.dataType(), shape);
        BatchNormRows.normalize(Rows.of(x), norm, virtualBatch, values(gamma), values(beta), Rows.of(xHat), Rows.of(y));
        return new Normalized(y, xHat, norm, virtualBatch, training);
    }

    /** The backward pass of {@link #normalize}: dX returned, dγ and dβ written into the two arrays given. */
    static INDArray backward(INDArray dY, Normalized forward, INDArray gamma, INDArray dGammaOut, INDArray dBetaOut) {
        dY = contiguous(dY);
        if (dY.dataType() != forward.y().dataType()) {
            dY = dY.castTo(forward.y().dataType());
        }
        int channels = (int) forward.y().size(1);
        INDArray dX =
                Nd4j.createUninitialized(forward.y().dataType(), forward.y().shape());
        double[] dGamma = new double[channels];
        double[] dBeta = new double[channels];
        BatchNormRows.backward(
                Rows.of(dY),
                Rows.of(forward.xHat()),
                values(gamma),
                inType(forward.normalizer(), gamma),
                forward.virtualBatch(),
                forward.training(),
                Rows.of(dX),
                dGamma,
                dBeta);
        SmallArrays.write(dGammaOut, dGamma);
        SmallArrays.write(dBetaOut, dBeta);
        return dX;
    }

    /**
     * {@code norm} with 1/√(σ² + ε) rounded to γ's type, as a {@link BatchNormResult} of float
     * parameters records it: a layer's backward then gives exactly what
     * {@link #batchNormBackward} gives for the same forward (notebook 3 checks "exactly").
     */
    private static BatchNormalizer inType(BatchNormalizer norm, INDArray gamma) {
        if (gamma.dataType() == DataType.DOUBLE) {
            return norm;
        }
        double[][] invStd = new double[norm.groups()][];
        for (int k = 0; k < invStd.length; k++) {
            invStd[k] = new double[norm.invStd()[k].length];
            for (int c = 0; c < invStd[k].length; c++) {
                invStd[k][c] = (float) norm.invStd()[k][c];
            }
        }
        return new BatchNormalizer(norm.center(), norm.scale(), norm.mean(), invStd, norm.r(), norm.d());
    }

    /** The normalization by moving statistics (inference mode), after checking them. */
    static BatchNormalizer movingNormalizer(
            long[] shape, double[] mean, double[] var, double eps, boolean center, boolean scale) {
        BatchNormChecks.finite("moving", shape, mean, var);
        return BatchNormalizer.of(new double[][] {mean}, new double[][] {var}, eps, center, scale);
    }

    private static double[] filled(int n, double value) {
        double[] a = new double[n];
        Arrays.fill(a, value);
        return a;
    }

    private static double[] values(INDArray perChannel) {
        return SmallArrays.read(perChannel);
    }

    private static INDArray like(INDArray template, double[] values) {
        return SmallArrays.create(template, values);
    }

    private static INDArray contiguous(INDArray a) {
        return a.ordering() == 'c' && Tensor.contiguous(a) ? a : a.dup('c');
    }

    static boolean supported(DataType type) {
        return type == DataType.FLOAT || type == DataType.DOUBLE;
    }
}
