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

    /** Why {@code run} failed ("loss not finite", "final loss 2.310 ≥ 2.303", "train acc 0.150 < 0.2"), or null if it trained. */
    public String failure(Run run) {
        if (run.diverged()) {
            return "loss not finite";
        }
        double loss = run.last("loss");
        double acc = run.last("train acc");
        if (!Double.isFinite(loss)) {
            return "loss not finite";
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

    /**
     * One row per arm: its runs, how many trained and how many failed by this criterion, and the
     * mean over the seeds of the final training loss and accuracy (of the runs that did not
     * diverge).
     */
    public tech.tablesaw.api.Table table(Results results) {
        var arm = tech.tablesaw.api.StringColumn.create("arm");
        var runs = tech.tablesaw.api.IntColumn.create("runs");
        var trained = tech.tablesaw.api.IntColumn.create("trained");
        var failed = tech.tablesaw.api.IntColumn.create("failed");
        var loss = tech.tablesaw.api.DoubleColumn.create("final loss");
        var acc = tech.tablesaw.api.DoubleColumn.create("final train acc");
        for (Arm a : results.arms()) {
            java.util.List<Run> rs = results.runs(a.name());
            int ok = (int) rs.stream().filter(this::trains).count();
            arm.append(a.name());
            runs.append(rs.size());
            trained.append(ok);
            failed.append(rs.size() - ok);
            loss.append(results.mean(a.name(), "loss"));
            acc.append(results.mean(a.name(), "train acc"));
        }
        loss.setPrintFormatter(tech.tablesaw.columns.numbers.NumberColumnFormatter.fixedWithGrouping(3));
        acc.setPrintFormatter(tech.tablesaw.columns.numbers.NumberColumnFormatter.fixedWithGrouping(3));
        return tech.tablesaw.api.Table.create(
                "Which runs trained (failure criterion fixed before the runs)", arm, runs, trained, failed, loss, acc);
    }

    @Override
    public String toString() {
        if (bnlab.viz.Labels.current().language().equals("zh")) {
            return String.format(Locale.ROOT, "失败 = 损失不是有限数，或最终训练损失 ≥ %.3f，或最终训练准确率 < %.1f", maxLoss, minTrainAcc);
        }
        return String.format(
                Locale.ROOT,
                "failed = loss not finite, or final training loss ≥ %.3f, or final training " + "accuracy < %.1f",
                maxLoss,
                minTrainAcc);
    }
}
