package bnlab.bench;

import bnlab.Nd4jBuild;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The generic ND4J build against the one {@link Nd4jBuild} picks for this CPU, on a training
 * bench: a JVM loads one native build only, so every pair of runs starts two child JVMs, one per
 * build, in alternating order, each running the same bench; reported are the medians over the
 * pairs of each figure and their ratio.
 * <pre>
 * scripts/bench.sh builds [dl4j|training] [pairs]
 * </pre>
 * dl4j: {@link Dl4jLeNetSpeed} (tuned network only) → DL4J examples/s and CPU ms per step
 * (all threads; less moved by other processes than wall time). training: {@link TrainingBench}
 * → ours and DL4J examples/s.
 */
public final class BuildBench {

    /** The lines of the child benches this reads (kept in step with their printf formats). */
    private static final Pattern DL4J_TUNED =
            Pattern.compile("^\\s*([0-9.]+) examples/s .*cpu\\s+([0-9.]+) ms/step\\s+tuned:", Pattern.MULTILINE);

    private static final Pattern TRAINING =
            Pattern.compile("^\\s*(ours|DL4J)\\s+median\\s+([0-9.]+) examples/s", Pattern.MULTILINE);

    public static void main(String[] args) throws IOException, InterruptedException {
        String bench = args.length > 0 ? args[0] : "dl4j";
        int pairs = args.length > 1 ? BenchArgs.positive("pairs", args[1]) : 3;
        List<String> childArgs =
                switch (bench) {
                    case "dl4j" -> List.of(Dl4jLeNetSpeed.class.getName(), "5", "6", "5", "0", "tuned");
                    case "training" -> List.of(TrainingBench.class.getName(), "5", "10");
                    default -> throw new IllegalArgumentException("bench is '" + bench
                            + "', expected dl4j or training (scripts/bench.sh builds [dl4j|training] [pairs])");
                };
        String fast = Nd4jBuild.select();
        if (fast.isEmpty()) {
            System.out.println("this CPU gets the generic build: nothing to compare");
            return;
        }
        Map<String, String> builds = new LinkedHashMap<>();
        builds.put("generic", "");
        builds.put(Nd4jBuild.fastClassifier(), fast);
        Map<String, Map<String, List<Double>>> figures = new LinkedHashMap<>();
        for (int pair = 0; pair < pairs; pair++) {
            List<String> order = new ArrayList<>(builds.keySet());
            if (pair % 2 == 1) java.util.Collections.reverse(order);
            for (String build : order) {
                String out = run(builds.get(build), childArgs);
                Map<String, Double> found = parse(bench, out);
                System.out.printf(Locale.ROOT, "pair %d, %s: %s%n", pair + 1, build, found);
                found.forEach((k, v) -> figures.computeIfAbsent(k, x -> new LinkedHashMap<>())
                        .computeIfAbsent(build, x -> new ArrayList<>())
                        .add(v));
            }
        }
        System.out.printf(
                Locale.ROOT,
                "%n%s bench, %d pairs of processes, generic vs %s, alternating "
                        + "(median over the pairs, range; examples/s unless named):%n",
                bench,
                pairs,
                Nd4jBuild.fastClassifier());
        figures.forEach((figure, byBuild) -> {
            List<Double> g = byBuild.get("generic");
            List<Double> f = byBuild.get(Nd4jBuild.fastClassifier());
            System.out.printf(
                    Locale.ROOT,
                    "  %-16s generic %7.1f (%.1f..%.1f)   %s %7.1f (%.1f..%.1f)   ratio %.2f%n",
                    figure,
                    Stats.median(g),
                    Stats.min(g),
                    Stats.max(g),
                    Nd4jBuild.fastClassifier(),
                    Stats.median(f),
                    Stats.min(f),
                    Stats.max(f),
                    Stats.median(f) / Stats.median(g));
        });
    }

    private static String run(String extension, List<String> childArgs) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-D" + Nd4jBuild.PROPERTY + "=")) cmd.add(a);
        }
        cmd.add("-D" + Nd4jBuild.PROPERTY + "=" + extension);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.addAll(childArgs);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("child bench failed (exit " + p.exitValue() + "):\n" + out);
        }
        if (!out.contains("native build linux-x86_64" + extension + " (")) {
            throw new IllegalStateException("child did not load linux-x86_64" + extension + ":\n" + out);
        }
        return out;
    }

    static Map<String, Double> parse(String bench, String out) {
        Map<String, Double> found = new LinkedHashMap<>();
        if (bench.equals("dl4j")) {
            Matcher m = DL4J_TUNED.matcher(out);
            if (m.find()) {
                found.put("DL4J", Double.parseDouble(m.group(1)));
                // CPU time of all threads per step: less moved than wall time by other processes
                found.put("DL4J cpu ms/step", Double.parseDouble(m.group(2)));
            }
        } else {
            Matcher m = TRAINING.matcher(out);
            while (m.find()) found.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        if (found.isEmpty()) {
            throw new IllegalStateException(
                    "no examples/s line in the child's output (did its format change?):\n" + out);
        }
        return found;
    }
}
