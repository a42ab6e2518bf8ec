package bnlab.experiments;

import java.util.Locale;

/**
 * When a training run counts as failed, written down before the runs: its loss became NaN or
 * infinite (it diverged, and stopped there), or after the last epoch its mean training loss is
 * still at least {@code maxLoss}, or its training accuracy is below {@code minTrainAcc}.
 * {@link #STANDARD} is the course's: loss ≥ ln 10 ≈ 2.303 (no better than the loss of a uniform
 * guess among 10 classes) or training accuracy &lt; 0.2 (twice chance).
 */
public record FailureCriterion(double maxLoss, double minTrainAcc) {

    public static final FailureCriterion STANDARD = new FailureCriterion(Math.log(10), 0.2);

    /** Why {@code run} failed, e.g. "final loss 2.303 ≥ 2.303", or null if it trained. */
    public String failure(Run run) {
        if (run.diverged()) {
            return "diverged";
        }
        double loss = run.last("loss");
        double acc = run.last("train acc");
        if (!Double.isFinite(loss)) {
            return "diverged";
        }
        if (loss >= maxLoss) {
            return String.format(Locale.ROOT, "final loss %.3f ≥ %.3f", loss, maxLoss);
        }
        if (acc < minTrainAcc) {
            return String.format(Locale.ROOT, "train acc %.3f < %.1f", acc, minTrainAcc);
        }
        return null;
    }

    public boolean trains(Run run) {
        return failure(run) == null;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "failed = loss not finite, or final training loss ≥ %.3f, or final training "
                + "accuracy < %.1f", maxLoss, minTrainAcc);
    }
}
