package bnlab.bench;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J's built-in batch-norm ops in training mode, tuned fairly: every output preallocated
 * once, so no call allocates. Forward = {@code moments} (batch mean and variance) +
 * {@code batchnorm} + the moving-average update; backward = {@code batchnorm_bp} (its dX is
 * the training-mode gradient).
 */
final class Nd4jBatchNormOps {

    private final int[] axes;
    private final INDArray gamma;
    private final INDArray beta;
    private final INDArray mean;
    private final INDArray var;
    private final INDArray movingMean;
    private final INDArray movingVar;
    private final INDArray y;
    private final INDArray dX;
    private final INDArray dMean;
    private final INDArray dVar;
    private final INDArray dGamma;
    private final INDArray dBeta;

    Nd4jBatchNormOps(long[] shape) {
        int c = (int) shape[1];
        axes = shape.length == 2 ? new int[] {0} : new int[] {0, 2, 3};
        gamma = Nd4j.ones(DataType.FLOAT, c);
        beta = Nd4j.zeros(DataType.FLOAT, c);
        mean = Nd4j.zeros(DataType.FLOAT, c);
        var = Nd4j.zeros(DataType.FLOAT, c);
        movingMean = Nd4j.zeros(DataType.FLOAT, c);
        movingVar = Nd4j.ones(DataType.FLOAT, c);
        y = Nd4j.create(DataType.FLOAT, shape);
        dX = Nd4j.create(DataType.FLOAT, shape);
        dMean = Nd4j.zeros(DataType.FLOAT, c);
        dVar = Nd4j.zeros(DataType.FLOAT, c);
        dGamma = Nd4j.zeros(DataType.FLOAT, c);
        dBeta = Nd4j.zeros(DataType.FLOAT, c);
    }

    INDArray forward(INDArray x) {
        Nd4j.exec(DynamicCustomOp.builder("moments")
                .addInputs(x)
                .addOutputs(mean, var)
                .addIntegerArguments(axes)
                .build());
        Nd4j.exec(DynamicCustomOp.builder("batchnorm")
                .addInputs(x, mean, var, gamma, beta)
                .addOutputs(y)
                .addFloatingPointArguments(1e-5)
                .addIntegerArguments(1, 1, 1)
                .build());
        movingMean.muli(0.9).addi(mean.mul(0.1));
        movingVar.muli(0.9).addi(var.mul(0.1));
        return y;
    }

    INDArray backward(INDArray x, INDArray dY) {
        Nd4j.exec(DynamicCustomOp.builder("batchnorm_bp")
                .addInputs(x, mean, var, gamma, beta, dY)
                .addOutputs(dX, dMean, dVar, dGamma, dBeta)
                .addFloatingPointArguments(1e-5)
                .addIntegerArguments(1, 1, 1)
                .build());
        return dX;
    }
}
