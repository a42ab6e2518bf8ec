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
 * <p>Notebook 9's alternatives to batch norm, each with a fast twin: {@link bnlab.nn.LayerNorm},
 * {@link bnlab.nn.GroupNorm} and {@link bnlab.nn.InstanceNorm} (statistics of each example,
 * {@link bnlab.nn.PerExampleNorm}), {@link bnlab.nn.GhostBatchNorm} and {@link bnlab.nn.BatchRenorm}
 * (batch statistics with BatchNorm's moving averages, {@link bnlab.nn.BatchStatisticsNorm});
 * {@link bnlab.nn.Conventions} compares batch norm's bookkeeping across d2l, PyTorch, Keras and DL4J.
 *
 * <p>A {@link bnlab.nn.Sequential} trains through the fast engine of {@link bnlab.nn.kernel},
 * where each layer has a twin computing the same thing on heap arrays; the layers here are the
 * definition, the twins are tested equal to them.
 */
package bnlab.nn;
