package bnlab.nn.kernel;

/**
 * One layer of the fast engine: the same mathematics as its {@code bnlab.nn} layer, on heap
 * tensors. {@code forward} returns the layer's own output tensor, overwritten by the next call;
 * {@code backward} receives ∂loss/∂output of the latest forward, writes the parameter gradients
 * into the layer's {@code Parameter.grad()} arrays and returns ∂loss/∂input (null when the
 * input gradient is not needed).
 */
public interface FastLayer {

    Tensor forward(Tensor x);

    Tensor backward(Tensor dY);

    /** The first layer's input gradient (the images') is never used: a layer may skip it. */
    default void inputGradientNotNeeded() {}
}
