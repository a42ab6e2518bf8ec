package bnlab.experiments;

import java.util.Arrays;
import java.util.function.ToDoubleFunction;

/**
 * Compares arms where their training losses match instead of at the same step. A network that
 * learns faster is further along at every step, and many quantities (how saturated its sigmoids
 * are, how sharp its loss surface is) change as training goes on; comparing each arm at the
 * first epoch whose training loss is at most L separates "what the method does" from "how far
 * it has got". L is usually {@link #reachedByAll}: the highest final loss among the runs, which
 * every run reaches.
 * <pre>{@code
 * double L = MatchedLoss.reachedByAll(results, "with BN", "without BN");
 * Summary beta = results.summary("with BN", MatchedLoss.metric("β-smoothness", L));
 * }</pre>
 */
public final class MatchedLoss {

    private MatchedLoss() {}

    /** The highest last-epoch training loss among the runs of these arms (every one of them reaches it). */
    public static double reachedByAll(Results results, String... arms) {
        if (arms.length == 0) {
            throw new IllegalArgumentException(
                    "name the arms to match, e.g. reachedByAll(r, \"with BN\", \"without BN\")");
        }
        return Arrays.stream(arms)
                .flatMap(a -> results.runs(a).stream())
                .mapToDouble(r -> r.last("loss"))
                .max()
                .orElse(Double.NaN);
    }

    /** The first epoch (1-based) whose training loss is at most {@code loss}; 0 if the run never gets there. */
    public static int epoch(Run run, double loss) {
        if (run.diverged() || run.history() == null) {
            return 0;
        }
        double[] l = run.values("loss");
        for (int e = 0; e < l.length; e++) {
            if (l[e] <= loss) {
                return e + 1;
            }
        }
        return 0;
    }

    /** Per run: {@code metric} after the first epoch whose training loss is at most {@code loss} (NaN if none). */
    public static ToDoubleFunction<Run> metric(String metric, double loss) {
        return run -> {
            int e = epoch(run, loss);
            return e == 0 ? Double.NaN : run.values(metric)[e - 1];
        };
    }

    /**
     * Per run: the share of saturated inputs of sigmoid {@code sigmoid} (0-based) over the
     * training steps of the first epoch whose training loss is at most {@code loss} (NaN if none);
     * the run must have been watched ({@link Experiment#watchSigmoids}).
     */
    public static ToDoubleFunction<Run> saturation(int sigmoid, double loss) {
        return run -> {
            int[] steps = epochSteps(run, loss);
            return steps == null ? Double.NaN : run.watch().saturation(sigmoid, steps[0], steps[1]);
        };
    }

    /** As {@link #saturation}, the root mean square of the sigmoid's inputs over that epoch. */
    public static ToDoubleFunction<Run> rms(int sigmoid, double loss) {
        return run -> {
            int[] steps = epochSteps(run, loss);
            return steps == null ? Double.NaN : run.watch().rms(sigmoid, steps[0], steps[1]);
        };
    }

    /** [first, end) training steps of the matched epoch, or null. */
    private static int[] epochSteps(Run run, double loss) {
        if (run.watch() == null) {
            throw new IllegalStateException(
                    "arm '" + run.arm().name() + "' was not watched: add watchSigmoids(unit) to the experiment");
        }
        int e = epoch(run, loss);
        if (e == 0) {
            return null;
        }
        int perEpoch = run.watch().recordedSteps() / run.history().epochs().size();
        return new int[] {(e - 1) * perEpoch, e * perEpoch};
    }

    /** {@code perRun} for every seed of {@code arm}, summarized (NaN values count as runs that did not get there). */
    public static Summary summary(Results results, String arm, ToDoubleFunction<Run> perRun) {
        return Summary.of(arm, results.runs(arm).stream().mapToDouble(perRun).toArray());
    }
}
