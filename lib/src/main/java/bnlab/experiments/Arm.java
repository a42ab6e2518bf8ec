package bnlab.experiments;

import bnlab.train.Classifier;
import java.util.function.LongFunction;

/**
 * One variant an experiment trains: a name, the series it belongs to and its position on the x
 * axis when the experiment is a sweep (e.g. series "with BN", x = learning rate 0.3), how to
 * build a fresh network from a seed, and a description of that network for the saved results
 * (e.g. "BN everywhere, dropout 0.5"; empty when the arm builds its network its own way).
 */
public record Arm(String name, String series, double x, LongFunction<Classifier> build, String network) {

    public Arm {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("an arm needs a name, e.g. \"with BN\"");
        }
        network = network == null ? "" : network;
    }

    public Arm(String name, String series, double x, LongFunction<Classifier> build) {
        this(name, series, x, build, "");
    }
}
