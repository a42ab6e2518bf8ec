/**
 * The fast engine: for speed only, tested equal to {@link bnlab.nn}. Each layer of
 * {@code bnlab.nn} has a twin here ({@link bnlab.nn.kernel.FastLayer}) that computes the same
 * mathematics on heap {@code float[]} tensors ({@link bnlab.nn.kernel.Tensor}) with SIMD vectors
 * from Java's Vector API ({@code --add-modules jdk.incubator.vector}); {@code bnlab.nn.Sequential}
 * chains the twins ({@link bnlab.nn.kernel.FastSequential}) when it trains.
 *
 * <p>What makes it fast: no ND4J op per layer (each costs ≥ 20 µs plus a new off-heap array),
 * buffers kept from step to step ({@link bnlab.nn.kernel.Tensor#reuse}: a training step allocates
 * nothing large, so memory stays flat), convolutions and linear layers as register-blocked matrix
 * products ({@link bnlab.nn.kernel.Gemm}), and work split across cores by
 * {@link bnlab.nn.kernel.Parallel}, the one threshold and split helper. Results do not depend on
 * thread timing or on JIT compilation ({@link bnlab.nn.kernel.VectorMath}): the same seed gives
 * the same run, bit for bit.
 *
 * <p>Batch norm has one algorithm here, in two precisions: {@link bnlab.nn.kernel.BatchNormKernel}
 * (float, SIMD: the twin of every batch norm layer, with virtual batches, the lite forms and Batch
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
