/**
 * The fast engine: for speed only, tested equal to {@link bnlab.nn}. Each layer of
 * {@code bnlab.nn} has a twin here ({@link bnlab.nn.kernel.FastLayer}) that computes the same
 * mathematics on heap {@code float[]} tensors ({@link bnlab.nn.kernel.Tensor});
 * {@code bnlab.nn.Sequential} chains the twins ({@link bnlab.nn.kernel.FastSequential}) when it
 * trains.
 *
 * <p>The twins are written once, on the arithmetic primitives of {@link bnlab.nn.kernel.Simd}
 * (matrix products, sums over runs of floats, element-by-element formulas), which come in two
 * implementations chosen when the JVM starts: SIMD vectors from Java's Vector API where the JVM
 * has {@code --add-modules jdk.incubator.vector} (the project's kernels do), plain loops that the
 * JIT vectorizes where it can in any other JVM. They are tested equal to each other.
 *
 * <p>What makes it fast: no ND4J op per layer (each costs ≥ 20 µs plus a new off-heap array),
 * buffers kept from step to step ({@link bnlab.nn.kernel.Tensor#reuse}: a training step allocates
 * nothing large, so memory stays flat), convolutions one image at a time so that an image's work
 * stays in the core's cache ({@link bnlab.nn.kernel.ConvKernel}), register-blocked matrix
 * products, as few passes over memory as the formulas allow, and work split across cores by
 * {@link bnlab.nn.kernel.Parallel}, the one threshold and split helper. Results do not depend on
 * thread timing or on JIT compilation: the same seed gives the same run, bit for bit.
 *
 * <p>Also here: the double-precision loops behind {@code bnlab.nn.BatchNormFunction}
 * ({@link bnlab.nn.kernel.BatchNormRows}), the strided window views of the readable convolution
 * and pooling ({@link bnlab.nn.kernel.Windows}), and copies of small arrays through their buffers
 * ({@link bnlab.nn.kernel.SmallArrays}).
 */
package bnlab.nn.kernel;
