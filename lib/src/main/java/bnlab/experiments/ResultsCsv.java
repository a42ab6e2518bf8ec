package bnlab.experiments;

import bnlab.train.EpochResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * An experiment's runs as a tidy CSV file (RFC 4180, UTF-8), one row per arm, seed and epoch,
 * for a teacher or student to reanalyse without training again. Columns:
 * <ul>
 *   <li>{@code experiment, arm, series, x, network}: the experiment's name; the arm, the series
 *       and x position it has in a sweep (x empty when it has none), and its network (e.g.
 *       "BN everywhere, dropout 0.5"; empty when the arm builds its own);</li>
 *   <li>{@code seed, epoch, step}: step = training steps taken when the epoch ended;</li>
 *   <li>{@code lr, batch_size, train_images}: the learning rate (empty if unknown), the batch size,
 *       and the training images of one epoch;</li>
 *   <li>{@code train_loss, train_acc, test_acc}: the epoch's mean training loss and training
 *       accuracy (from the training steps' own forward passes, as d2l counts them) and the test
 *       accuracy in inference mode after it;</li>
 *   <li>one column per extra per-epoch measurement, then one per measurement taken after
 *       training (on the last epoch's row only), named in lower case with '_' for spaces and
 *       punctuation ("test acc, Precise BN" → {@code test_acc_precise_bn});</li>
 *   <li>{@code failure}: why the run stopped early (e.g. "diverged: ..."), empty if it finished;
 *       a run that stopped in its first epoch has one row, with an empty epoch.</li>
 * </ul>
 * Numbers are written in full precision ({@code NaN} for not a number). The file is replaced
 * atomically, so a reader never sees half of it.
 */
final class ResultsCsv {

    private ResultsCsv() {}

    /** Writes {@code results} to {@code file} (folders created) and returns it. */
    static Path write(Results results, Path file) {
        return write(List.of(results), file);
    }

    /** Writes the runs of several experiments' results (e.g. a sweep's batch sizes) as one file. */
    static Path write(List<Results> all, Path file) {
        Set<String> extras = new LinkedHashSet<>();
        Set<String> after = new LinkedHashSet<>();
        for (Results r : all) {
            for (Run run : r.runs()) {
                if (run.history() != null) {
                    extras.addAll(run.history().metricNames());
                }
            }
            after.addAll(r.afterTraining().keySet());
        }
        List<String> header = new ArrayList<>(List.of(
                "experiment",
                "arm",
                "series",
                "x",
                "network",
                "seed",
                "epoch",
                "step",
                "lr",
                "batch_size",
                "train_images",
                "train_loss",
                "train_acc",
                "test_acc"));
        extras.forEach(e -> header.add(column(e)));
        after.forEach(a -> header.add(column(a)));
        header.add("failure");
        StringBuilder out = new StringBuilder();
        row(out, header);
        for (Results r : all) {
            Budget b = r.budget();
            for (Run run : r.runs()) {
                List<EpochResult> epochs =
                        run.history() == null ? List.of() : run.history().epochs();
                for (int i = 0; i < Math.max(1, epochs.size()); i++) {
                    EpochResult e = i < epochs.size() ? epochs.get(i) : null;
                    List<String> cells = new ArrayList<>();
                    Arm arm = run.arm();
                    cells.add(r.name());
                    cells.add(arm.name());
                    cells.add(arm.series());
                    cells.add(Double.isNaN(arm.x()) ? "" : number(arm.x()));
                    cells.add(arm.network());
                    cells.add(Long.toString(run.seed()));
                    cells.add(e == null ? "" : Integer.toString(e.epoch()));
                    cells.add(e == null ? "" : Long.toString((long) e.epoch() * b.stepsPerEpoch()));
                    cells.add(Double.isNaN(run.learningRate()) ? "" : number(run.learningRate()));
                    cells.add(Integer.toString(b.batchSize()));
                    cells.add(Integer.toString(b.trainImages()));
                    cells.add(e == null ? "" : number(e.loss()));
                    cells.add(e == null ? "" : number(e.trainAcc()));
                    cells.add(e == null ? "" : number(e.testAcc()));
                    for (String extra : extras) {
                        boolean has = e != null && run.history().metricNames().contains(extra);
                        cells.add(has ? number(run.history().metric(extra)[i]) : "");
                    }
                    boolean lastRow = i == Math.max(1, epochs.size()) - 1;
                    for (String a : after) {
                        Map<Run, Double> values = r.afterTraining().get(a);
                        Double v = values == null ? null : values.get(run);
                        cells.add(lastRow && v != null ? number(v) : "");
                    }
                    cells.add(run.failure() == null ? "" : run.failure());
                    row(out, cells);
                }
            }
        }
        return replace(file, out.toString());
    }

    /** "test acc, Precise BN" → "test_acc_precise_bn". */
    static String column(String name) {
        String c = name.toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{N}]+", "_")
                .replaceAll("^_+|_+$", "");
        return c.isEmpty() ? "measurement" : c;
    }

    private static String number(double v) {
        return Double.toString(v);
    }

    private static void row(StringBuilder out, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            String c = cells.get(i);
            if (c.contains(",") || c.contains("\"") || c.contains("\n") || c.contains("\r")) {
                out.append('"').append(c.replace("\"", "\"\"")).append('"');
            } else {
                out.append(c);
            }
        }
        out.append("\r\n");
    }

    private static Path replace(Path file, String text) {
        Path target = file.toAbsolutePath().normalize();
        try {
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "could not save the runs to " + target + " (BNLAB_RESULTS_DIR names " + "another folder)", e);
        }
    }
}
