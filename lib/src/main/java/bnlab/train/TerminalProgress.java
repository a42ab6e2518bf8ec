package bnlab.train;

import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A terminal progress bar over all batches of a run (me.tongfei:progressbar), with the running
 * loss and accuracy and the latest test accuracy as its message.
 */
final class TerminalProgress implements ProgressListener {

    private ProgressBar bar;
    private String lastTest = "";

    @Override
    public void update(Progress p) {
        if (bar == null) {
            bar = new ProgressBarBuilder()
                    .setTaskName(p.history().network())
                    .setInitialMax((long) p.epochs() * p.batches())
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(500)
                    .setUnit(" batches", 1)
                    .continuousUpdate()
                    .build();
        }
        bar.stepTo((long) (p.epoch() - 1) * p.batches() + p.batch());
        if (p.isEpochEnd()) lastTest = String.format(Locale.ROOT, " test %.3f", p.testAcc());
        bar.setExtraMessage(String.format(
                Locale.ROOT, "epoch %d loss %.3f train %.3f%s", p.epoch(), p.loss(), p.trainAcc(), lastTest));
        if (p.isLast()) {
            bar.close();
            bar = null;
        }
    }

    @Override
    public int updatesPerEpoch() {
        return Integer.MAX_VALUE;
    }
}
