package bnlab.nn;

import java.util.List;
import org.nd4j.linalg.factory.Nd4j;

/** Plain stochastic gradient descent, {@code torch.optim.SGD(params, lr)}: value −= lr · grad, in place. */
public class Sgd {

    private final List<Parameter> parameters;
    private final double learningRate;

    public Sgd(List<Parameter> parameters, double learningRate) {
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("Sgd: the learning rate must be > 0, got " + learningRate);
        }
        this.parameters = List.copyOf(parameters);
        this.learningRate = learningRate;
    }

    public void step() {
        for (Parameter p : parameters) {
            Nd4j.getBlasWrapper().level1().axpy(p.value().length(), -learningRate, p.grad(), p.value());
        }
    }

    public double learningRate() {
        return learningRate;
    }

    @Override
    public String toString() {
        return "Sgd(lr=" + learningRate + ", " + parameters.size() + " parameters)";
    }
}
