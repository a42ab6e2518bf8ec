package bnlab.experiments;

import bnlab.train.Classifier;
import bnlab.train.History;

/**
 * One training run of an experiment: an arm from one seed. {@code failure} says why it stopped
 * early (the loss became NaN or infinite, or a batch norm met non-finite statistics: the run
 * diverged); null when it finished. {@code history} holds the epochs that finished (null when
 * the run failed in its first epoch); {@code network} is the network as training left it, to
 * measure more after the fact; {@code watch} what {@link Experiment#watchSigmoids} recorded (or null).
 */
public record Run(Arm arm, long seed, History history, String failure, Classifier network, ActivationWatch watch) {

    public boolean diverged() {
        return failure != null;
    }

    /** The last epoch's value of a measurement ("loss", "train acc", "test acc" or an extra one); NaN if diverged. */
    public double last(String metric) {
        if (diverged() || history == null || history.epochs().isEmpty()) {
            return Double.NaN;
        }
        double[] v = Results.values(history, metric);
        return v[v.length - 1];
    }

    /** The value of a measurement after every epoch that finished (empty if none did). */
    public double[] values(String metric) {
        return history == null ? new double[0] : Results.values(history, metric);
    }
}
