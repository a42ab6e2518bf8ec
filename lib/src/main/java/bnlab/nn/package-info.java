/**
 * The scratch network pieces a notebook imports: batch norm as a function
 * ({@link bnlab.nn.BatchNormFunction}; notebook 2 writes it itself and checks it against this one)
 * and as a layer ({@link bnlab.nn.BatchNorm}), and the small layer set LeNet needs —
 * {@link bnlab.nn.Conv2d}, {@link bnlab.nn.AvgPool2d}, {@link bnlab.nn.Linear},
 * {@link bnlab.nn.Sigmoid}, {@link bnlab.nn.Flatten}, {@link bnlab.nn.SoftmaxCrossEntropy},
 * {@link bnlab.nn.Sgd} (plus ReLU and MaxPool2d for experiments) — each a {@link bnlab.nn.Layer}
 * with a hand-written backward pass, chained by {@link bnlab.nn.Sequential}. Notebooks 2–4
 * introduce them.
 *
 * <p>Conventions: tensors are ND4J arrays in NCHW order; float for training, double for the
 * finite-difference checks (every layer accepts both). Every {@code forward} and
 * {@code backward} returns a new array, so a result you keep is never overwritten.
 *
 * <p>Every normalization layer is a {@link bnlab.nn.NormalizationLayer}. The batch norms —
 * {@link bnlab.nn.BatchNorm}, {@link bnlab.nn.GhostBatchNorm}, {@link bnlab.nn.BatchRenorm} — share
 * their state, checks and computation ({@link bnlab.nn.BatchStatisticsNorm},
 * {@link bnlab.nn.MovingStatistics}) and differ only in how they cut the batch and what they
 * normalize with. Notebook 9's per-example alternatives: {@link bnlab.nn.LayerNorm},
 * {@link bnlab.nn.GroupNorm} and {@link bnlab.nn.InstanceNorm} ({@link bnlab.nn.PerExampleNorm});
 * {@link bnlab.nn.PreciseBatchNorm} recomputes the moving statistics of every batch norm;
 * {@link bnlab.nn.Conventions} compares batch norm's bookkeeping across d2l, PyTorch, Keras and DL4J.
 *
 * <p>A {@link bnlab.nn.Sequential} trains through the fast engine of {@link bnlab.nn.kernel},
 * where each layer of this package has a twin computing the same thing on heap arrays; the layers
 * here are the definition, the twins are tested equal to them, and a layer of yours runs as
 * written inside the engine. The dependency runs one way: this package uses the engine, the
 * engine knows nothing of this package.
 *
 * <p>Adding a normalization layer: the layer here (a {@code NormalizationLayer}; a
 * {@code BatchStatisticsNorm} or {@code PerExampleNorm} brings its fast twin along), an entry in the
 * tests' {@code LayerCatalog} and {@code HandCheckedTest}, its own test, and the notebook that uses it.
 */
package bnlab.nn;
