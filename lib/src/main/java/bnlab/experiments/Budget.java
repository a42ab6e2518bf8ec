package bnlab.experiments;

import bnlab.viz.Labels;
import java.util.Locale;

/**
 * What each run of an experiment trained on: epochs of {@code stepsPerEpoch} steps of
 * {@code batchSize} examples over {@code trainImages} images, tested on {@code testImages}; and
 * how long the experiment took, in wall-clock seconds.
 */
record Budget(int epochs, int trainImages, int testImages, int batchSize, int stepsPerEpoch, double seconds) {

    /** Whether runs of both budgets trained alike (the time aside). */
    boolean sameRuns(Budget o) {
        return epochs == o.epochs
                && trainImages == o.trainImages
                && testImages == o.testImages
                && batchSize == o.batchSize
                && stepsPerEpoch == o.stepsPerEpoch;
    }

    Budget plus(Budget o) {
        return new Budget(epochs, trainImages, testImages, batchSize, stepsPerEpoch, seconds + o.seconds);
    }

    long steps() {
        return (long) epochs * stepsPerEpoch;
    }

    /**
     * The line {@link Experiment#run()} prints, e.g. "learning-rates: trained 30 runs, loaded 0
     * from the run cache; each run 4 epochs × 50 steps = 200 steps of batch 256 on 12,800 training
     * images (tested on 2,500); saved to build/results/06-batchnorm-exercises/learning-rates.csv".
     */
    static String line(String experiment, int trained, int loaded, String each, String file) {
        Labels labels = Labels.current();
        if (labels.language().equals("zh")) {
            return labels.translate("{experiment}: trained {trained} runs, loaded {loaded} from the run cache; "
                            + "each run {each}; saved to {file}")
                    .replace("{experiment}", experiment)
                    .replace("{trained}", Integer.toString(trained))
                    .replace("{loaded}", Integer.toString(loaded))
                    .replace("{each}", each)
                    .replace("{file}", file);
        }
        return String.format(
                Locale.ROOT,
                "%s: trained %d run%s, loaded %d from the run cache; each run %s; saved to %s",
                experiment,
                trained,
                trained == 1 ? "" : "s",
                loaded,
                each,
                file);
    }

    /** "each run: ...; 2 arms × 3 seeds = 6 runs: trained 6, loaded 0 from the run cache, in 12 s". */
    static String summary(String each, int arms, long seeds, int runs, int trained, int loaded, double seconds) {
        if (Labels.current().language().equals("zh")) {
            return String.format(
                    Locale.ROOT,
                    "每次运行：%s；%d 个实验组 × %d 个种子 = %d 次运行：训练了 %d 次，从运行缓存载入 %d 次，用时 %.0f 秒",
                    each,
                    arms,
                    seeds,
                    runs,
                    trained,
                    loaded,
                    seconds);
        }
        return String.format(
                Locale.ROOT,
                "each run: %s; %d arm%s × %d seed%s = %d run%s: trained %d, loaded %d from the run cache, in %.0f s",
                each,
                arms,
                arms == 1 ? "" : "s",
                seeds,
                seeds == 1 ? "" : "s",
                runs,
                runs == 1 ? "" : "s",
                trained,
                loaded,
                seconds);
    }

    /** Why the runs of {@code arm} always train: the run cache cannot fingerprint their definition. */
    static String notCached(String arm, String reason) {
        return Labels.current()
                .translate("{arm}: trained, not kept in the run cache (it always trains): the {reason}")
                .replace("{arm}", arm)
                .replace("{reason}", reason);
    }

    /** "4 epochs × 50 steps = 200 steps of batch 256 on 12,800 training images (tested on 2,500)". */
    String each() {
        Labels labels = Labels.current();
        if (labels.language().equals("zh")) {
            return String.format(
                    Locale.ROOT,
                    labels.translate("%d epochs × %,d steps = %,d steps of batch %d on %,d "
                            + "training images (tested on %,d)"),
                    epochs,
                    stepsPerEpoch,
                    steps(),
                    batchSize,
                    trainImages,
                    testImages);
        }
        return String.format(
                Locale.ROOT,
                "%d epoch%s × %,d steps = %,d steps of batch %d on %,d training images " + "(tested on %,d)",
                epochs,
                epochs == 1 ? "" : "s",
                stepsPerEpoch,
                steps(),
                batchSize,
                trainImages,
                testImages);
    }

    /**
     * Runs at several batch sizes: "1 epoch of 12,288 training images, 6,144 steps of batch 2 …
     * 48 steps of batch 256 (tested on 4,000)".
     */
    static String eachAcross(Budget small, Budget large) {
        Labels labels = Labels.current();
        if (small.epochs != large.epochs) {
            String format =
                    "%d epoch%s of %,d training images, %,d steps of batch %d … %d epochs, %,d steps of batch %d "
                            + "(tested on %,d)";
            return String.format(
                    Locale.ROOT,
                    labels.translate(format),
                    small.epochs,
                    small.epochs == 1 ? "" : "s",
                    small.trainImages,
                    small.steps(),
                    small.batchSize,
                    large.epochs,
                    large.steps(),
                    large.batchSize,
                    small.testImages);
        }
        if (labels.language().equals("zh")) {
            return String.format(
                    Locale.ROOT,
                    labels.translate("%d epochs of %,d training images, %,d steps of batch %d … "
                            + "%,d steps of batch %d (tested on %,d)"),
                    small.epochs,
                    small.trainImages,
                    small.steps(),
                    small.batchSize,
                    large.steps(),
                    large.batchSize,
                    small.testImages);
        }
        return String.format(
                Locale.ROOT,
                "%d epoch%s of %,d training images, %,d steps of batch %d … %,d steps of " + "batch %d (tested on %,d)",
                small.epochs,
                small.epochs == 1 ? "" : "s",
                small.trainImages,
                small.steps(),
                small.batchSize,
                large.steps(),
                large.batchSize,
                small.testImages);
    }
}
