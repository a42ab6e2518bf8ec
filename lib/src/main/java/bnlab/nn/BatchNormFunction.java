package bnlab.nn;

import bnlab.nn.kernel.BatchNormRows;
import bnlab.nn.kernel.Normalization;
import bnlab.nn.kernel.Rows;
import bnlab.nn.kernel.SmallArrays;
import bnlab.nn.kernel.Tensor;
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
 * <p>Float and double tensors are accepted; all sums run in double precision, so a float result
 * is the exact result rounded once.
 */
public final class BatchNormFunction {

    /** d2l's defaults. */
    public static final double EPS = 1e-5;
    public static final double MOMENTUM = 0.9;

    private BatchNormFunction() {
    }

    /** d2l's {@code batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum)}. */
    public static BatchNormResult batchNorm(INDArray x, INDArray gamma, INDArray beta,
                                            INDArray movingMean, INDArray movingVar,
                                            double eps, double momentum, Mode mode) {
        BatchNormChecks.hyperparameters(eps, momentum);
        INDArray[] moving = {movingMean, movingVar};
        BatchNormResult r = batchNorm(x, gamma, beta, movingMean, movingVar, eps, mode, Normalization.FULL,
                (mean, var) -> {
                    moving[0] = movingAverage(movingMean, mean, momentum);
                    moving[1] = movingAverage(movingVar, var, momentum);
                });
        return new BatchNormResult(r.y(), moving[0], moving[1], r.xHat(), r.invStd(), mode);
    }

    /** Receives each training batch's per-channel mean and biased variance. */
    interface Statistics {
        void batch(double[] mean, double[] var);
    }

    /**
     * The forward pass of {@code kind}, handing the batch statistics (training mode) to
     * {@code statistics} instead of updating moving averages: the layer decides what to keep.
     * The result carries the moving statistics that were passed in.
     */
    static BatchNormResult batchNorm(INDArray x, INDArray gamma, INDArray beta, INDArray movingMean,
                                     INDArray movingVar, double eps, Mode mode, Normalization kind,
                                     Statistics statistics) {
        int channels = BatchNormChecks.input(x);
        BatchNormChecks.mode(mode);
        BatchNormChecks.perChannel("gamma", gamma, channels);
        BatchNormChecks.perChannel("beta", beta, channels);
        BatchNormChecks.perChannel("movingMean", movingMean, channels);
        BatchNormChecks.perChannel("movingVar", movingVar, channels);
        BatchNormChecks.hyperparameters(eps, 0.5);
        x = contiguous(x);
        double[] mean;
        double[] var;
        if (mode == Mode.TRAINING) {
            BatchNormChecks.enoughValues(x);
            double[][] stats = BatchNormRows.batchStatistics(Rows.of(x), channels);
            mean = stats[0];
            var = stats[1];
            BatchNormChecks.finite("batch", x, mean, var);
            statistics.batch(mean, var);
        } else {
            mean = values(movingMean);
            var = values(movingVar);
            BatchNormChecks.finite("moving", x, mean, var);
        }
        double[] invStd = new double[channels];
        double[] centre = new double[channels];
        for (int c = 0; c < channels; c++) {
            invStd[c] = kind.scale() ? 1.0 / Math.sqrt(var[c] + eps) : 1.0;
            centre[c] = kind.center() ? mean[c] : 0.0;
        }
        INDArray y = Nd4j.createUninitialized(x.dataType(), x.shape());
        INDArray xHat = Nd4j.createUninitialized(x.dataType(), x.shape());
        BatchNormRows.normalize(Rows.of(x), centre, invStd, values(gamma), values(beta), Rows.of(xHat), Rows.of(y));
        return new BatchNormResult(y, movingMean, movingVar, xHat, like(gamma, invStd), mode);
    }

    /**
     * The backward pass: given dY = ∂loss/∂y for the output of {@code forward}, returns dX, dGamma
     * and dBeta (derivation in notebook 3).
     */
    public static BatchNormGradients batchNormBackward(INDArray dY, BatchNormResult forward, INDArray gamma) {
        return batchNormBackward(dY, forward, gamma, Normalization.FULL, null, null, null);
    }

    /**
     * As above for {@code kind} ({@code batchMean}: the training batch's mean, which only
     * VARIANCE_ONLY needs); with {@code dGammaOut}/{@code dBetaOut} given, writes into them.
     */
    static BatchNormGradients batchNormBackward(INDArray dY, BatchNormResult forward, INDArray gamma,
                                                Normalization kind, double[] batchMean,
                                                INDArray dGammaOut, INDArray dBetaOut) {
        BatchNormChecks.gradientShape(dY, forward.y());
        int channels = (int) forward.y().size(1);
        BatchNormChecks.perChannel("gamma", gamma, channels);
        dY = contiguous(dY);
        if (dY.dataType() != forward.y().dataType()) {
            dY = dY.castTo(forward.y().dataType());
        }
        INDArray dX = Nd4j.createUninitialized(forward.y().dataType(), forward.y().shape());
        double[] dGamma = new double[channels];
        double[] dBeta = new double[channels];
        boolean training = forward.mode() == Mode.TRAINING;
        double[] invStd = values(forward.invStd());
        BatchNormRows.backward(Rows.of(dY), Rows.of(forward.xHat()), values(gamma), invStd, training,
                Rows.of(dX), dGamma, dBeta, kind, batchMean);
        if (dGammaOut != null && dBetaOut != null) {
            SmallArrays.write(dGammaOut, dGamma);
            SmallArrays.write(dBetaOut, dBeta);
            return new BatchNormGradients(dX, dGammaOut, dBetaOut);
        }
        return new BatchNormGradients(dX, like(gamma, dGamma), like(gamma, dBeta));
    }

    /** momentum · moving + (1 − momentum) · batch, as a new array shaped like {@code moving}. */
    private static INDArray movingAverage(INDArray moving, double[] batch, double momentum) {
        return like(moving, MovingStatistics.movingAverage(values(moving), batch, momentum));
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
