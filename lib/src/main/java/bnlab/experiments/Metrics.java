package bnlab.experiments;

import bnlab.train.EpochResult;
import bnlab.train.History;

/**
 * The per-epoch measurements of a run by name: "loss" (mean training loss of the epoch),
 * "train acc", "test acc", or an extra measurement the experiment added.
 */
final class Metrics {

    private Metrics() {}

    /** The values of {@code metric}, one per finished epoch of {@code h}. */
    static double[] values(History h, String metric) {
        return switch (metric) {
            case "loss" -> h.epochs().stream().mapToDouble(EpochResult::loss).toArray();
            case "train acc" -> h.epochs().stream()
                    .mapToDouble(EpochResult::trainAcc)
                    .toArray();
            case "test acc" -> h.epochs().stream()
                    .mapToDouble(EpochResult::testAcc)
                    .toArray();
            default -> h.metric(metric);
        };
    }
}
