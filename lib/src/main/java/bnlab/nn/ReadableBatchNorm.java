package bnlab.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Batch norm written line for line like d2l's {@code batch_norm}, with ND4J ops on whole
 * tensors: the version notebook 2 reads. {@link BatchNormFunction} computes the same thing with
 * fused loops (about ten times faster); the tests check that the two agree.
 */
public final class ReadableBatchNorm {

    private ReadableBatchNorm() {
    }

    /** Same arguments and result as {@link BatchNormFunction#batchNorm}. */
    public static BatchNormResult batchNorm(INDArray X, INDArray gamma, INDArray beta,
                                            INDArray movingMean, INDArray movingVar,
                                            double eps, double momentum, Mode mode) {
        int channels = BatchNormChecks.input(X);
        BatchNormChecks.mode(mode);
        // Per-channel arrays as (1, C) or (1, C, 1, 1), so they broadcast against X.
        long[] shape = X.rank() == 2 ? new long[] {1, channels} : new long[] {1, channels, 1, 1};
        gamma = gamma.reshape(shape);
        beta = beta.reshape(shape);
        INDArray mean;
        INDArray var;
        if (mode == Mode.INFERENCE) {
            mean = movingMean.reshape(shape);
            var = movingVar.reshape(shape);
        } else {
            // Fully-connected: statistics over axis 0; convolutional: over axes 0, 2 and 3.
            int[] axes = X.rank() == 2 ? new int[] {0} : new int[] {0, 2, 3};
            mean = X.mean(true, axes);
            var = Transforms.pow(X.sub(mean), 2).mean(true, axes);
            movingMean = movingMean.mul(momentum).add(mean.reshape(movingMean.shape()).mul(1.0 - momentum));
            movingVar = movingVar.mul(momentum).add(var.reshape(movingVar.shape()).mul(1.0 - momentum));
        }
        INDArray invStd = Transforms.pow(var.add(eps), -0.5);
        INDArray xHat = X.sub(mean).mul(invStd);
        INDArray Y = xHat.mul(gamma).add(beta);
        return new BatchNormResult(Y, movingMean, movingVar, xHat, invStd, mode);
    }

    /**
     * The backward pass as notebook 3 derives it, with m values per channel:
     * dBeta = Σ dY, dGamma = Σ dY·x̂, and in training mode
     * dX = γ/√(σ²+ε) · (dY − dBeta/m − x̂·dGamma/m).
     */
    public static BatchNormGradients batchNormBackward(INDArray dY, BatchNormResult forward, INDArray gamma) {
        INDArray xHat = forward.xHat();
        int[] axes = xHat.rank() == 2 ? new int[] {0} : new int[] {0, 2, 3};
        double m = xHat.length() / xHat.size(1);
        INDArray invStd = forward.invStd();
        gamma = gamma.reshape(invStd.shape());
        INDArray dBeta = dY.sum(true, axes);
        INDArray dGamma = dY.mul(xHat).sum(true, axes);
        INDArray dX = forward.mode() == Mode.TRAINING
                ? dY.sub(dBeta.div(m)).sub(xHat.mul(dGamma.div(m))).mul(gamma.mul(invStd))
                : dY.mul(gamma.mul(invStd));
        return new BatchNormGradients(dX, dGamma.reshape(gamma.shape()), dBeta.reshape(gamma.shape()));
    }
}
