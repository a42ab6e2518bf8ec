package bnlab.train;

import java.awt.image.BufferedImage;
import java.util.Locale;

/**
 * Where a training run is, as handed to a {@link ProgressListener}: a few times per epoch while
 * training ({@code epochEnd} false, {@code testAcc} NaN) and once after each epoch's test
 * evaluation ({@code epochEnd} true).
 *
 * @param epoch    1-based epoch being trained
 * @param epochs   epochs of the whole run
 * @param batch    batches done in this epoch
 * @param batches  batches per epoch
 * @param loss     mean training loss over this epoch's batches so far
 * @param trainAcc training accuracy over this epoch's batches so far
 * @param testAcc  test accuracy after this epoch, NaN before the epoch ends
 * @param history  the run so far (the live figure is drawn from it)
 */
public record Progress(
        int epoch, int epochs, int batch, int batches, double loss, double trainAcc, double testAcc, History history) {

    /** True once per epoch, after the test set has been evaluated. */
    public boolean isEpochEnd() {
        return !Double.isNaN(testAcc);
    }

    /** True at the end of the run's last epoch. */
    public boolean isLast() {
        return isEpochEnd() && epoch == epochs;
    }

    /** The training figure so far; in a notebook: {@code p -> updateDisplay(id, p.figure())}. */
    public BufferedImage figure() {
        return history.figure();
    }

    @Override
    public String toString() {
        String s = String.format(
                Locale.ROOT,
                "epoch %d/%d, batch %d/%d: loss %.3f, train acc %.3f",
                epoch,
                epochs,
                batch,
                batches,
                loss,
                trainAcc);
        return isEpochEnd() ? s + String.format(Locale.ROOT, ", test acc %.3f", testAcc) : s;
    }
}
