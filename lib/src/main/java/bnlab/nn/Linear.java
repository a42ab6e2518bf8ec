package bnlab.nn;

import bnlab.nn.kernel.FastLayer;
import bnlab.nn.kernel.LinearKernel;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A fully-connected layer, {@code nn.Linear}: y = x·Wᵀ + b with W of shape (out, in). Before a
 * batch norm the bias is redundant (the norm subtracts the mean and adds its own beta), hence
 * {@code new Linear(in, out, false)}. Backward: dW = dYᵀ·x, db = Σ_n dY, dX = dY·W.
 */
public class Linear extends TwinnedLayer {

    private final int in;
    private final int out;
    private final Parameter weight;
    private final Parameter bias;
    private INDArray x;

    public Linear(int in, int out) {
        this(in, out, true, Init.shared());
    }

    public Linear(int in, int out, boolean bias) {
        this(in, out, bias, Init.shared());
    }

    public Linear(int in, int out, boolean bias, Init init) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("Linear(" + in + ", " + out + "): sizes must be >= 1");
        }
        this.in = in;
        this.out = out;
        this.weight = Parameter.of("weight", init.weights(in, out, out, in));
        this.bias = bias ? Parameter.of("bias", init.uniform(in, 1, out)) : null;
    }

    @Override
    public INDArray forward(INDArray input) {
        checkInput(LayerChecks.shape(toString(), input));
        x = input.castTo(weight.value().dataType());
        INDArray y = Nd4j.createUninitialized(x.dataType(), x.size(0), out);
        Nd4j.gemm(x, weight.value(), y, false, true, 1.0, 0.0);
        if (bias != null) {
            y.addiRowVector(bias.value());
        }
        return y;
    }

    @Override
    public INDArray backward(INDArray dY) {
        LayerChecks.requireForward(toString(), x);
        LayerChecks.gradient(toString(), dY, new long[] {x.size(0), out});
        dY = dY.castTo(x.dataType());
        Nd4j.gemm(dY, x, weight.grad(), true, false, 1.0, 0.0);
        if (bias != null) {
            bias.grad().assign(dY.sum(true, 0));
        }
        INDArray dX = Nd4j.createUninitialized(x.dataType(), x.size(0), in);
        Nd4j.gemm(dY, weight.value(), dX, false, false, 1.0, 0.0);
        return dX;
    }

    @Override
    FastLayer fastLayer() {
        return new LinearKernel(in, out, weight, bias);
    }

    @Override
    void checkInput(long[] shape) {
        LayerChecks.requireRank(
                toString(),
                shape,
                2,
                "(N, " + in + ")",
                shape.length == 4
                        ? "put a Flatten() before a Linear layer that follows a convolution or pooling layer"
                        : "reshape the input to (N, " + in + ")");
        LayerChecks.requireSize(
                toString(),
                shape,
                1,
                in,
                "put a Flatten() before a Linear layer that follows a "
                        + "convolution, and make 'in' equal the number of features of the layer before");
    }

    @Override
    public List<Parameter> parameters() {
        return bias == null ? List.of(weight) : List.of(weight, bias);
    }

    public INDArray weight() {
        return weight.value();
    }

    @Override
    public String toString() {
        return "Linear(" + in + ", " + out + (bias == null ? ", bias=false" : "") + ")";
    }
}
