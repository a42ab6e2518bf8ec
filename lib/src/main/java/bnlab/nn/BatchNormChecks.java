package bnlab.nn;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The input checks of batch norm: each error says what was expected, what arrived, and the fix. */
final class BatchNormChecks {

    private BatchNormChecks() {}

    /** X must be (N, C) or (N, C, H, W), float or double; returns C. */
    static int input(INDArray x) {
        if (x == null) {
            throw new IllegalArgumentException("batchNorm: X is null");
        }
        if (x.rank() != 2 && x.rank() != 4) {
            throw new IllegalArgumentException("batchNorm expects X of rank 2 (N, C) after a "
                    + "fully-connected layer or rank 4 (N, C, H, W) after a convolution, but got rank "
                    + x.rank() + " with shape " + Arrays.toString(x.shape())
                    + ". Reshape X, e.g. X.reshape(N, C) or X.reshape(N, C, H, W).");
        }
        if (!BatchNormFunction.supported(x.dataType())) {
            throw new IllegalArgumentException("batchNorm works on FLOAT or DOUBLE tensors, but X is " + x.dataType()
                    + ". Convert it with X.castTo(DataType.FLOAT).");
        }
        if (x.size(0) == 0 || x.length() == 0) {
            throw new IllegalArgumentException("batchNorm got an empty X with shape " + Arrays.toString(x.shape()));
        }
        return (int) x.size(1);
    }

    /** TRAINING or INFERENCE: a null mode must not quietly mean one of them. */
    static void mode(Mode mode) {
        if (mode == null) {
            throw new IllegalArgumentException("batchNorm: mode is null; pass Mode.TRAINING (batch statistics, "
                    + "moving statistics updated) or Mode.INFERENCE (moving statistics)");
        }
    }

    static void perChannel(String name, INDArray a, int channels) {
        if (a == null) {
            throw new IllegalArgumentException(
                    "batchNorm: " + name + " is null; pass an array of " + channels + " values, one per channel");
        }
        if (a.length() != channels) {
            throw new IllegalArgumentException("batchNorm: " + name + " has " + a.length()
                    + " values (shape " + Arrays.toString(a.shape()) + ") but X has " + channels
                    + " channels on axis 1; " + name + " needs one value per channel, e.g. shape (1, "
                    + channels + ") or (1, " + channels + ", 1, 1).");
        }
    }

    static void hyperparameters(double eps, double momentum) {
        if (!(eps > 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException(
                    "batchNorm: eps must be a small positive number " + "(d2l uses 1e-5), got " + eps);
        }
        if (!(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("batchNorm: momentum must be in [0, 1] (d2l's convention: "
                    + "the weight of the old moving value, 0.9; PyTorch's momentum=0.1 is 1 - 0.9), got " + momentum);
        }
    }

    /** Training needs at least two values per channel, or the variance is 0 and says nothing. */
    static void enoughValues(INDArray x) {
        enoughValues(x.shape());
    }

    static void enoughValues(long[] shape) {
        long perChannel = 1;
        for (int d = 0; d < shape.length; d++) {
            perChannel *= d == 1 ? 1 : shape[d];
        }
        if (perChannel < 2) {
            throw new IllegalArgumentException("batchNorm in training mode needs more than one value "
                    + "per channel to estimate a variance, but X has shape " + Arrays.toString(shape)
                    + " (N" + (shape.length == 4 ? "·H·W" : "") + " = 1). Use a batch of 2 or more "
                    + "examples, or inference mode (eval()) for a single example.");
        }
    }

    static void finite(String which, INDArray x, double[] mean, double[] var) {
        finite(which, x.shape(), mean, var);
    }

    static void finite(String which, long[] shape, double[] mean, double[] var) {
        for (int c = 0; c < mean.length; c++) {
            if (!Double.isFinite(mean[c]) || !Double.isFinite(var[c]) || var[c] < 0) {
                String cause = which.equals("batch")
                        ? "X contains NaN or infinite values (shape " + Arrays.toString(shape)
                                + "): the layer before diverged, often a learning rate that is too large"
                        : "the moving statistics passed in are broken: use mean 0 and variance 1 "
                                + "before training, or the values a training run produced";
                String message = "batchNorm: the " + which + " statistics of channel " + c + " are not usable (mean "
                        + mean[c] + ", variance " + var[c] + "): " + cause + ".";
                throw which.equals("batch") ? new DivergenceException(message) : new IllegalArgumentException(message);
            }
        }
    }

    static void gradientShape(INDArray dY, INDArray y) {
        if (dY == null || !Arrays.equals(dY.shape(), y.shape())) {
            throw new IllegalArgumentException("batchNormBackward: dY must have the output's shape "
                    + Arrays.toString(y.shape()) + ", got " + (dY == null ? "null" : Arrays.toString(dY.shape())));
        }
    }
}
