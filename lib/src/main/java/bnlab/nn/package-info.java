/**
 * The scratch network pieces a notebook imports: batch norm as a function
 * ({@link bnlab.nn.BatchNormFunction}, with {@link bnlab.nn.ReadableBatchNorm} as the d2l-style
 * reading version) and as a layer ({@link bnlab.nn.BatchNorm}), and the small layer set LeNet
 * needs — {@link bnlab.nn.Conv2d}, {@link bnlab.nn.AvgPool2d}, {@link bnlab.nn.Linear},
 * {@link bnlab.nn.Sigmoid}, {@link bnlab.nn.Flatten}, {@link bnlab.nn.SoftmaxCrossEntropy},
 * {@link bnlab.nn.Sgd} (plus ReLU and MaxPool2d for experiments) — each with a hand-written
 * backward pass, chained by {@link bnlab.nn.Sequential}. Notebooks 2–4 introduce them.
 *
 * <p>Conventions: tensors are ND4J arrays in NCHW order; float for training, double for the
 * finite-difference checks (every layer accepts both). Every {@code forward} and
 * {@code backward} returns a new array, so a result you keep is never overwritten.
 *
 * <p>A {@link bnlab.nn.Sequential} trains through the fast engine of {@link bnlab.nn.kernel},
 * where each layer has a twin computing the same thing on heap arrays; the layers here are the
 * definition, the twins are tested equal to them.
 */
package bnlab.nn;
