package bnlab.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Times several variants side by side: every round runs each variant once (in turn, so machine
 * noise hits all of them alike) for a fixed number of calls, and the report gives the median
 * milliseconds per call over the rounds.
 */
final class Timer {

    private final Map<String, Runnable> variants = new LinkedHashMap<>();
    private final Map<String, List<Double>> samples = new LinkedHashMap<>();

    Timer add(String name, Runnable variant) {
        variants.put(name, variant);
        samples.put(name, new ArrayList<>());
        return this;
    }

    /** Warms every variant up, then measures {@code rounds} rounds of {@code calls} calls each. */
    Timer run(int warmupCalls, int rounds, int calls) {
        for (Runnable v : variants.values()) {
            for (int i = 0; i < warmupCalls; i++) {
                v.run();
            }
        }
        for (int r = 0; r < rounds; r++) {
            for (Map.Entry<String, Runnable> e : variants.entrySet()) {
                long t0 = System.nanoTime();
                for (int i = 0; i < calls; i++) {
                    e.getValue().run();
                }
                samples.get(e.getKey()).add((System.nanoTime() - t0) / 1e6 / calls);
            }
        }
        return this;
    }

    /** Median milliseconds per call. */
    double median(String name) {
        double[] s = samples.get(name).stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    String spread(String name) {
        double[] s = samples.get(name).stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return String.format("%.3f..%.3f", s[0], s[s.length - 1]);
    }

    List<String> names() {
        return List.copyOf(variants.keySet());
    }

    @Override
    public String toString() {
        return "Timer" + Arrays.toString(variants.keySet().toArray());
    }
}
