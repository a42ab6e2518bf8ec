package bnlab.bench;

import java.util.List;

/** Medians and ranges of the benches' samples. */
final class Stats {

    private Stats() {}

    static double median(List<Double> v) {
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (s.length == 0) throw new IllegalArgumentException("no samples");
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** The median of {@code v} without its first {@code skip} samples (the warm-up). */
    static double median(double[] v, int skip) {
        double[] s = java.util.Arrays.copyOfRange(v, skip, v.length);
        if (s.length == 0) throw new IllegalArgumentException("no samples after skipping " + skip);
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static double min(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    static double max(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }
}
