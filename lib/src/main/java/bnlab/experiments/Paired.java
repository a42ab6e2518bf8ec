package bnlab.experiments;

import java.util.Arrays;
import java.util.Locale;

/**
 * Two arms compared seed by seed: d<sub>s</sub> = a<sub>s</sub> − b<sub>s</sub> for every seed s
 * both arms trained (the arms of one seed share the initial draw and the batches, so the
 * difference removes what the seed alone decides). The rule the notebooks follow: a difference
 * is claimed only when every d<sub>s</sub> has the same sign ({@link #agrees()}); otherwise the
 * arms show <em>no measurable difference</em> at this number of seeds ({@link #verdict}).
 * Seeds where either arm has no value (it diverged) are left out and counted.
 */
public record Paired(String a, String b, long[] seeds, double[] differences, int leftOut, String what) {

    public Paired {
        what = what == null ? "" : what;
        if (seeds.length != differences.length) {
            throw new IllegalArgumentException(seeds.length + " seeds but " + differences.length + " differences");
        }
        seeds = seeds.clone();
        differences = differences.clone();
    }

    /** Pairs the values of two arms by seed ({@code seedsA[i]} ↔ {@code valuesA[i]}); NaN values are left out. */
    public static Paired of(String a, long[] seedsA, double[] valuesA, String b, long[] seedsB, double[] valuesB) {
        long[] seeds = new long[seedsA.length];
        double[] d = new double[seedsA.length];
        int n = 0;
        int leftOut = 0;
        for (int i = 0; i < seedsA.length; i++) {
            for (int j = 0; j < seedsB.length; j++) {
                if (seedsB[j] != seedsA[i]) {
                    continue;
                }
                if (Double.isFinite(valuesA[i]) && Double.isFinite(valuesB[j])) {
                    seeds[n] = seedsA[i];
                    d[n++] = valuesA[i] - valuesB[j];
                } else {
                    leftOut++;
                }
            }
        }
        if (n + leftOut == 0) {
            throw new IllegalArgumentException(
                    "arms '" + a + "' and '" + b + "' share no seed: train both from the same seeds");
        }
        return new Paired(a, b, Arrays.copyOf(seeds, n), Arrays.copyOf(d, n), leftOut, "");
    }

    /** The same differences, labelled with what was measured (e.g. "train acc"), which {@link #toString} prints first. */
    public Paired about(String measured) {
        return new Paired(a, b, seeds, differences, leftOut, measured);
    }

    public double mean() {
        return Arrays.stream(differences).average().orElse(Double.NaN);
    }

    public double min() {
        return Arrays.stream(differences).min().orElse(Double.NaN);
    }

    public double max() {
        return Arrays.stream(differences).max().orElse(Double.NaN);
    }

    /** Whether every seed's difference has the same sign (none is 0), over at least two seeds. */
    public boolean agrees() {
        return differences.length >= 2 && (min() > 0 || max() < 0);
    }

    /** a is above b on every seed. */
    public boolean aAbove() {
        return agrees() && min() > 0;
    }

    /** a is below b on every seed. */
    public boolean aBelow() {
        return agrees() && max() < 0;
    }

    /**
     * "higher" or "lower" (the words given for a above / below b on every seed), else "no
     * measurable difference".
     */
    public String verdict(String higher, String lower) {
        return aAbove() ? higher : aBelow() ? lower : "no measurable difference";
    }

    /**
     * e.g. "BN − no BN: +0.412 (+0.380 to +0.455 over 3 seeds, same sign on every seed)"; in the
     * Chinese edition in Chinese, the arm names translated as labels ({@link bnlab.viz.Labels}).
     */
    @Override
    public String toString() {
        bnlab.viz.Labels labels = bnlab.viz.Labels.current();
        if (labels.language().equals("zh")) {
            String head = what.isEmpty() ? "" : labels.translate(what) + "：";
            if (differences.length == 0) {
                return String.format(
                        Locale.ROOT,
                        "%s%s − %s：没有两者都有数值的种子（%d 个被排除）",
                        head,
                        labels.translate(a),
                        labels.translate(b),
                        leftOut);
            }
            return String.format(
                    Locale.ROOT,
                    "%s%s − %s：%+.3f（%d 个种子，从 %+.3f 到 %+.3f，%s%s）",
                    head,
                    labels.translate(a),
                    labels.translate(b),
                    mean(),
                    differences.length,
                    min(),
                    max(),
                    agrees() ? "每个种子的符号都相同" : "符号不一致或种子太少",
                    leftOut > 0 ? "，" + leftOut + " 个被排除" : "");
        }
        String head = what.isEmpty() ? "" : what + ": ";
        if (differences.length == 0) {
            return String.format(
                    Locale.ROOT, "%s%s − %s: no seed where both have a value (%d left out)", head, a, b, leftOut);
        }
        return String.format(
                Locale.ROOT,
                "%s%s − %s: %+.3f (%+.3f to %+.3f over %d seed%s, %s%s)",
                head,
                a,
                b,
                mean(),
                min(),
                max(),
                differences.length,
                differences.length == 1 ? "" : "s",
                agrees() ? "same sign on every seed" : "signs differ or too few seeds",
                leftOut > 0 ? ", " + leftOut + " left out" : "");
    }
}
