package bnlab.nn;

import bnlab.nn.kernel.FastLayer;

/**
 * A layer with a twin in the fast engine ({@link bnlab.nn.kernel}): the same mathematics on
 * heap arrays, sharing this layer's parameters and state. {@link Sequential} uses the twins
 * when it trains; the tests check that both give the same numbers.
 */
interface FastPath {

    FastLayer fastLayer();

    /** Throws the error {@code forward} would throw for an input of this shape. */
    void checkInput(long[] shape);
}
