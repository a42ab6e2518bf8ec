package bnlab.train;

/**
 * One row of a {@link History}: what one epoch measured.
 *
 * @param epoch        1-based epoch number
 * @param loss         mean training loss over the epoch's examples, from the training steps' own
 *                     forward passes (training mode)
 * @param trainAcc     fraction of the epoch's training examples classified correctly by those
 *                     same forward passes, as d2l's {@code train_ch6} counts it
 * @param testAcc      accuracy on the test set in inference mode (moving statistics), after the
 *                     epoch
 * @param examples     training examples seen in the epoch
 * @param trainSeconds time spent inside {@link Classifier#trainStep} only (the clock of
 *                     examples/sec; see {@link Trainer})
 * @param wallSeconds  the whole epoch: batch assembly, training, test evaluation, progress display
 * @param rssMiB       resident memory of the process after the epoch, MiB ({@code NaN} if unknown)
 */
public record EpochResult(
        int epoch,
        double loss,
        double trainAcc,
        double testAcc,
        long examples,
        double trainSeconds,
        double wallSeconds,
        double rssMiB) {

    /** Training examples per second of training-step time. */
    public double examplesPerSecond() {
        return examples / trainSeconds;
    }
}
