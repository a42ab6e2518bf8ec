package bnlab.experiments;

import bnlab.train.Classifier;
import bnlab.train.History;

/**
 * One training run of an experiment: an arm from one seed. {@code failure} says why it stopped
 * early (the loss became NaN or infinite, or a batch norm met non-finite statistics: the run
 * diverged); null when it finished. {@code history} holds the epochs that finished (null when
 * the run failed in its first epoch); {@code network} is the network as training left it, to
 * measure more after the fact; {@code watch} what {@link Experiment#watchSigmoids} recorded (or
 * null); {@code learningRate} the optimizer's (NaN if the network does not say); {@code loaded}
 * whether it came from the run cache instead of being trained just now.
 */
public record Run(
        Arm arm,
        long seed,
        History history,
        String failure,
        Classifier network,
        ActivationWatch watch,
        double learningRate,
        boolean loaded) {

    /** A run trained just now, of unknown learning rate. */
    public Run(Arm arm, long seed, History history, String failure, Classifier network, ActivationWatch watch) {
        this(arm, seed, history, failure, network, watch, Double.NaN, false);
    }

    public boolean diverged() {
        return failure != null;
    }

    /** The last epoch's value of a measurement ("loss", "train acc", "test acc" or an extra one); NaN if diverged. */
    public double last(String metric) {
        if (diverged() || history == null || history.epochs().isEmpty()) {
            return Double.NaN;
        }
        double[] v = Metrics.values(history, metric);
        return v[v.length - 1];
    }

    /** The value of a measurement after every epoch that finished (empty if none did). */
    public double[] values(String metric) {
        return history == null ? new double[0] : Metrics.values(history, metric);
    }
}
