/**
 * Training and measuring, d2l's {@code train_ch6} on the JVM.
 *
 * <p>Both networks of the course, the scratch LeNet and the DL4J one, implement
 * {@link bnlab.train.Classifier}; {@link bnlab.train.Trainer#fit} trains either on the same
 * batches in the same order and returns a {@link bnlab.train.History}: per-epoch loss, train
 * accuracy, test accuracy (inference mode), examples/sec (training-step time only), wall time and
 * memory, as d2l's result lines, a Tablesaw table and an XChart figure
 * ({@link bnlab.train.TrainingChart}). A {@link bnlab.train.ProgressListener} sees the run while
 * it trains: a notebook lambda that calls {@code updateDisplay}, or a terminal progress bar.
 * Notebooks 4 and 5 use it.
 *
 * <p>Finished runs are kept by the {@link bnlab.train.RunCache} under a {@link bnlab.train.RunKey}
 * (a hash of the network as built, the data, the settings and the library build) and loaded
 * instead of trained again, with the trained network's state ({@link bnlab.train.NetworkState});
 * A walk over the fields of the objects a network is made of finds what both need.
 */
package bnlab.train;
