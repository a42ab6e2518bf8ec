/**
 * Experiments that answer the chapter's questions with numbers: an {@link bnlab.experiments.Experiment}
 * trains several variants of a network ("arms") from several seeds on the same data in the same
 * order, and its {@link bnlab.experiments.Results} summarize every arm over the seeds (mean,
 * standard deviation, range, runs that diverged) as tables and figures. Notebooks 6–9 use them.
 */
package bnlab.experiments;
