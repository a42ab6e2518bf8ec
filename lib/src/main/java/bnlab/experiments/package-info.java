/**
 * Experiments that answer the chapter's questions with numbers: an {@link bnlab.experiments.Experiment}
 * trains several variants of a network ("arms") from several seeds on the same data in the same
 * order, and its {@link bnlab.experiments.Results} summarize every arm over the seeds (mean,
 * standard deviation, range, runs that diverged) as tables and figures. Notebooks 6–9 use them.
 * {@link bnlab.experiments.Paired} compares two arms seed by seed (a difference is claimed only when
 * every seed agrees in sign); {@link bnlab.experiments.Jumps} measures how much a per-epoch
 * measurement swings around its trend.
 * A {@link bnlab.experiments.BatchSizeSweep} repeats an experiment at several batch sizes with the
 * same examples per run and a {@link bnlab.experiments.ScaledLearningRate}; {@link
 * bnlab.experiments.BatchNoise} measures how much batch statistics move with the batch size
 * (notebook 9). Every experiment saves its runs as a CSV file ({@link bnlab.experiments.Results#save})
 * and loads the runs the {@link bnlab.train.RunCache} already holds.
 */
package bnlab.experiments;
