package bnlab.nn;

import bnlab.nn.kernel.FastLayer;

/**
 * A layer of this package with a twin in the fast engine ({@link bnlab.nn.kernel}): the same
 * mathematics on heap arrays, sharing this layer's parameters and state. {@link Sequential} uses
 * the twins when it trains; the tests check that both give the same numbers. Package-private, so
 * what a notebook sees of a layer is its forward, backward and settings, not the engine's hooks.
 */
abstract class TwinnedLayer implements Layer {

    /** The twin, built once per network by {@link Sequential#engine()}. */
    abstract FastLayer fastLayer();

    /** Throws the error {@code forward} would throw for an input of this shape. */
    abstract void checkInput(long[] shape);
}
