package bnlab.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;

/**
 * Times several variants side by side: every round runs each variant once (in turn, so machine
 * noise hits all of them alike) for a fixed number of calls, and the report gives the median
 * milliseconds per call over the rounds. A variant that runs elsewhere (another process) times
 * itself: {@link #addTimed} takes a function from a number of calls to milliseconds per call.
 */
final class Timer {

    private final Map<String, IntToDoubleFunction> variants = new LinkedHashMap<>();
    private final Map<String, List<Double>> samples = new LinkedHashMap<>();

    Timer add(String name, Runnable variant) {
        return addTimed(name, calls -> {
            long t0 = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                variant.run();
            }
            return (System.nanoTime() - t0) / 1e6 / calls;
        });
    }

    /** A variant that runs {@code calls} calls and returns its own milliseconds per call. */
    Timer addTimed(String name, IntToDoubleFunction msPerCall) {
        variants.put(name, msPerCall);
        samples.put(name, new ArrayList<>());
        return this;
    }

    /** Warms every variant up, then measures {@code rounds} rounds of {@code calls} calls each. */
    Timer run(int warmupCalls, int rounds, int calls) {
        for (IntToDoubleFunction v : variants.values()) {
            v.applyAsDouble(warmupCalls);
        }
        for (int r = 0; r < rounds; r++) {
            for (Map.Entry<String, IntToDoubleFunction> e : variants.entrySet()) {
                samples.get(e.getKey()).add(e.getValue().applyAsDouble(calls));
            }
        }
        return this;
    }

    /** Median milliseconds per call. */
    double median(String name) {
        return Stats.median(samples.get(name));
    }

    /** The median over the rounds of each round's ratio {@code a / b}: noise that hits a round cancels. */
    double pairedRatio(String a, String b) {
        List<Double> sa = samples.get(a), sb = samples.get(b);
        List<Double> ratios = new ArrayList<>();
        for (int r = 0; r < sa.size(); r++) {
            ratios.add(sa.get(r) / sb.get(r));
        }
        return Stats.median(ratios);
    }

    String spread(String name) {
        return String.format("%.3f..%.3f", Stats.min(samples.get(name)), Stats.max(samples.get(name)));
    }

    List<String> names() {
        return List.copyOf(variants.keySet());
    }

    @Override
    public String toString() {
        return "Timer" + Arrays.toString(variants.keySet().toArray());
    }
}
