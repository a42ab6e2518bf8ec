package bnlab.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link History} as a small CSV file, so one notebook can compare its run with another
 * notebook's (notebook 5 reads notebook 4's). Three {@code #} lines carry the network, the device
 * and the planned epochs; then one row per epoch, every number at full precision.
 */
final class HistoryFile {

    private static final String HEADER = "epoch,loss,trainAcc,testAcc,examples,trainSeconds,wallSeconds,rssMiB";

    private HistoryFile() {}

    /** Writes {@code h} to {@code file} (folders created; replaced atomically) and returns the path. */
    static Path save(History h, Path file) {
        List<String> lines = new ArrayList<>();
        lines.add("# network=" + h.network());
        lines.add("# device=" + h.device());
        lines.add("# epochs=" + h.plannedEpochs());
        lines.add(HEADER);
        for (EpochResult e : h.epochs()) {
            lines.add(e.epoch() + "," + e.loss() + "," + e.trainAcc() + "," + e.testAcc() + "," + e.examples() + ","
                    + e.trainSeconds() + "," + e.wallSeconds() + "," + e.rssMiB());
        }
        try {
            Path target = file.toAbsolutePath().normalize();
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(
                    target.getParent(), target.getFileName().toString(), ".tmp");
            Files.write(tmp, lines, StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("could not save the training history to " + file, e);
        }
    }

    static History load(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "could not read a training history from " + file + " (written by History.save, e.g. by notebook 4)",
                    e);
        }
        if (lines.size() < 4
                || !lines.get(0).startsWith("# network=")
                || !lines.get(3).equals(HEADER)) {
            throw new IllegalArgumentException(file + " is not a training history written by History.save");
        }
        History h = new History(value(lines.get(0)), value(lines.get(1)), Integer.parseInt(value(lines.get(2))));
        for (String line : lines.subList(4, lines.size())) {
            String[] f = line.split(",");
            if (f.length != 8) {
                throw new IllegalArgumentException(file + ": a history row needs 8 fields, got '" + line + "'");
            }
            EpochResult e = new EpochResult(
                    Integer.parseInt(f[0]),
                    Double.parseDouble(f[1]),
                    Double.parseDouble(f[2]),
                    Double.parseDouble(f[3]),
                    Long.parseLong(f[4]),
                    Double.parseDouble(f[5]),
                    Double.parseDouble(f[6]),
                    Double.parseDouble(f[7]));
            h.add(new History.Point(e.epoch(), e.loss(), e.trainAcc()));
            h.add(e);
        }
        return h;
    }

    private static String value(String line) {
        return line.substring(line.indexOf('=') + 1);
    }
}
