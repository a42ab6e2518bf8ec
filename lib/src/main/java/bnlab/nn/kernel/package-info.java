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
 * <p>Batch norm has one algorithm here, in two precisions: {@link bnlab.nn.kernel.BatchNormKernel}
 * (float, on {@link bnlab.nn.kernel.Simd}: the twin of every batch norm layer, with virtual batches, the lite forms and Batch
 * Renorm's correction) and {@link bnlab.nn.kernel.BatchNormRows} (double loops: what the layers and
 * {@code bnlab.nn.BatchNormFunction} compute as written), both normalizing as a
 * {@link bnlab.nn.kernel.BatchNormalizer} says. Also here: the strided window views of the readable
 * convolution and pooling ({@link bnlab.nn.kernel.Windows}) and copies of small arrays through their
 * buffers ({@link bnlab.nn.kernel.SmallArrays}).
 *
 * <p>This package uses nothing of {@code bnlab.nn} (a test reads the compiled classes to check):
 * a layer hands its twin its parameters as {@link bnlab.nn.kernel.TrainedArray}s and its
 * bookkeeping as hooks, so the dependency runs one way, from the layers to their twins.
 */
package bnlab.nn.kernel;
