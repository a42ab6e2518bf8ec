package bnlab.experiments;

import java.util.Arrays;
import java.util.Locale;

/**
 * A measurement of one arm over its seeds: mean, sample standard deviation, range, and how
 * many runs diverged (those have no value and are left out of the other figures).
 */
public record Summary(String arm, int runs, int diverged, double mean, double sd, double min, double max) {

    static Summary of(String arm, double[] values) {
        double[] ok = Arrays.stream(values).filter(Double::isFinite).toArray();
        int n = ok.length;
        double mean = n == 0 ? Double.NaN : Arrays.stream(ok).average().orElse(Double.NaN);
        double sd = Double.NaN;
        if (n > 1) {
            double ss = 0;
            for (double v : ok) {
                ss += (v - mean) * (v - mean);
            }
            sd = Math.sqrt(ss / (n - 1));
        }
        return new Summary(
                arm,
                values.length,
                values.length - n,
                mean,
                sd,
                n == 0 ? Double.NaN : Arrays.stream(ok).min().orElse(Double.NaN),
                n == 0 ? Double.NaN : Arrays.stream(ok).max().orElse(Double.NaN));
    }

    /**
     * Whether two arms are indistinguishable at this number of seeds: their means differ by less
     * than their standard deviations added, |mean − other.mean| &lt; sd + other.sd.
     */
    public boolean overlaps(Summary other) {
        return Math.abs(mean - other.mean) < (Double.isNaN(sd) ? 0 : sd) + (Double.isNaN(other.sd) ? 0 : other.sd);
    }

    /** e.g. "0.842 ± 0.012 (0.829–0.855, 3 runs)". */
    @Override
    public String toString() {
        if (bnlab.viz.Labels.current().language().equals("zh")) {
            // the Chinese edition prints it in Chinese, numbers as they are
            if (runs == diverged) {
                return String.format(Locale.ROOT, "%d 次运行全部发散", runs);
            }
            return String.format(
                    Locale.ROOT,
                    "%.3f ± %.3f（%.3f–%.3f，%d 次运行%s）",
                    mean,
                    Double.isNaN(sd) ? 0 : sd,
                    min,
                    max,
                    runs - diverged,
                    diverged > 0 ? "，" + diverged + " 次发散" : "");
        }
        if (runs == diverged) {
            return String.format(Locale.ROOT, "diverged in all %d runs", runs);
        }
        return String.format(
                Locale.ROOT,
                "%.3f ± %.3f (%.3f–%.3f, %d run%s%s)",
                mean,
                Double.isNaN(sd) ? 0 : sd,
                min,
                max,
                runs - diverged,
                runs - diverged == 1 ? "" : "s",
                diverged > 0 ? ", " + diverged + " diverged" : "");
    }
}
