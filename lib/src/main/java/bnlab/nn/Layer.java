package bnlab.nn;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One layer of a network: a forward pass, a hand-written backward pass, its trained parameters,
 * and a training/inference switch. Anything implementing this (a class in a notebook cell too)
 * plugs into a network; a {@link Sequential} of layers is itself a layer. PyTorch calls this
 * {@code nn.Module}, Keras {@code Layer}, d2l "layers and blocks" (层和块); the name is
 * {@code Layer} here so that {@code import bnlab.nn.*;} does not clash with {@code java.lang.Module}.
 *
 * <p>{@code backward(dY)} receives the gradient of the loss with respect to the output of the
 * latest {@code forward}, writes the gradients of the parameters into {@link Parameter#grad()}
 * and returns the gradient with respect to that forward's input.
 */
public interface Layer {

    INDArray forward(INDArray x);

    INDArray backward(INDArray gradOutput);

    /** The arrays an optimizer updates; none by default. */
    default List<Parameter> parameters() {
        return List.of();
    }

    /**
     * Told by {@link Sequential} when this is the network's first layer: the gradient with
     * respect to the input (the images) is never used, so a layer may skip computing it.
     */
    default void inputGradientNotNeeded() {}

    /** Switches between training (true) and inference (false); ignored by default. */
    default void setTraining(boolean training) {}

    /** Training mode, like PyTorch's {@code module.train()}. */
    default Layer train() {
        setTraining(true);
        return this;
    }

    /** Inference mode, like PyTorch's {@code module.eval()}. */
    default Layer eval() {
        setTraining(false);
        return this;
    }
}
