package bnlab.experiments;

import bnlab.train.Classifier;
import java.util.function.LongFunction;

/**
 * One variant an experiment trains: a name, the series it belongs to and its position on the x
 * axis when the experiment is a sweep (e.g. series "with BN", x = learning rate 0.3), and how
 * to build a fresh network from a seed.
 */
public record Arm(String name, String series, double x, LongFunction<Classifier> build) {

    public Arm {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("an arm needs a name, e.g. \"with BN\"");
        }
    }
}
