/**
 * The scratch network pieces: batch norm as a function ({@link bnlab.nn.BatchNormFunction},
 * with {@link bnlab.nn.ReadableBatchNorm} as the d2l-style reading version) and as a layer
 * ({@link bnlab.nn.BatchNorm}), and the small layer set LeNet needs — {@link bnlab.nn.Conv2d},
 * {@link bnlab.nn.AvgPool2d}, {@link bnlab.nn.Linear}, {@link bnlab.nn.Sigmoid},
 * {@link bnlab.nn.Flatten}, {@link bnlab.nn.SoftmaxCrossEntropy}, {@link bnlab.nn.Sgd} (plus
 * ReLU and MaxPool2d for experiments) — each with a hand-written backward pass, chained by
 * {@link bnlab.nn.Sequential}. Notebooks 2–4 introduce them.
 *
 * <p>Conventions: tensors are ND4J arrays in NCHW order; float for training, double for the
 * finite-difference checks (every layer accepts both). Layers reuse their output arrays from
 * one step to the next (ND4J frees native memory only when the garbage collector runs):
 * {@code dup()} a result you want to keep past the next call.
 */
package bnlab.nn;
