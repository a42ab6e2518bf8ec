package bnlab.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The fast engine with the Vector API against the same engine on plain loops (a JVM without
 * {@code --add-modules jdk.incubator.vector}): two {@link StepServer} JVMs, started with this
 * JVM's options with and without the module, train LeNet-BN on the same batches and take
 * turns, one block of steps each per round (the order alternates), so noise hits both alike.
 * Reports median examples/s (wall and per CPU-second) and the ratio; the target is the plain
 * loops within 2× of the Vector API.
 * <pre>
 * PlainBench [rounds] [steps] [warm-up blocks]     (scripts/bench.sh plain)
 * </pre>
 */
public final class PlainBench {

    private static final String MODULE = "--add-modules=jdk.incubator.vector";

    /** One StepServer JVM. */
    private static final class Contender {
        final String name;
        final Process process;
        final BufferedReader in;
        final PrintWriter out;
        final String setup;
        final List<Double> rates = new ArrayList<>();
        final List<Double> cpuRates = new ArrayList<>();

        Contender(String name, List<String> command) throws IOException {
            this.name = name;
            process = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            out = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
            String first = read();
            if (!first.startsWith("ready ")) {
                throw new IllegalStateException(name + ": StepServer said '" + first + "'");
            }
            setup = first.split(" ", 3)[2];
        }

        String read() throws IOException {
            String line = in.readLine();
            if (line == null) {
                throw new IllegalStateException(name + ": StepServer exited; see its errors above");
            }
            return line.trim();
        }

        /** Trains {@code steps} steps; returns the label checksum. */
        long block(int steps, boolean record) throws IOException {
            out.println("train " + steps);
            String[] r = read().split(" ");
            if (!r[0].equals("done") || r.length != 5) {
                throw new IllegalStateException(name + ": StepServer said '" + String.join(" ", r) + "'");
            }
            if (record) {
                rates.add(steps * 256 / Double.parseDouble(r[1]));
                cpuRates.add(steps * 256 / Double.parseDouble(r[4]));
            }
            return Long.parseLong(r[3]);
        }

        void close() throws InterruptedException {
            out.println("quit");
            process.waitFor();
        }
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? BenchArgs.positive("rounds", args[0]) : 9;
        int steps = args.length > 1 ? BenchArgs.positive("steps", args[1]) : 20;
        int warmup = args.length > 2 ? BenchArgs.positive("warm-up blocks", args[2]) : 3;
        List<String> options = new ArrayList<>();
        for (String o : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!o.startsWith("--add-modules") && !o.equals("jdk.incubator.vector")) {
                options.add(o);
            }
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        List<String> plainCmd = new ArrayList<>(List.of(java));
        plainCmd.addAll(options);
        plainCmd.addAll(List.of("-cp", cp, StepServer.class.getName()));
        List<String> vectorCmd = new ArrayList<>(plainCmd);
        vectorCmd.add(1, MODULE);
        Contender vector = new Contender("Vector API", vectorCmd);
        Contender plain = new Contender("plain loops", plainCmd);
        List<Contender> both = List.of(vector, plain);
        try {
            System.out.println("Vector API JVM:  " + vector.setup);
            System.out.println("plain loops JVM: " + plain.setup);
            System.out.printf(
                    "LeNet-BN training, batch 256, %d warm-up block(s), then %d rounds of %d steps per JVM, "
                            + "in turn (order alternating)%n",
                    warmup, rounds, steps);
            for (int w = 0; w < warmup; w++) {
                for (Contender c : both) {
                    c.block(steps, false);
                }
            }
            for (int r = 0; r < rounds; r++) {
                List<Contender> order = r % 2 == 0 ? both : List.of(plain, vector);
                long sum0 = order.get(0).block(steps, true);
                long sum1 = order.get(1).block(steps, true);
                if (sum0 != sum1) {
                    throw new IllegalStateException("the two JVMs trained on different batches");
                }
            }
        } finally {
            for (Contender c : both) {
                c.close();
            }
        }
        System.out.println();
        for (Contender c : both) {
            System.out.printf(
                    "  %-12s median %8.1f examples/s (range %.1f .. %.1f); %8.1f examples per CPU-second%n",
                    c.name, Stats.median(c.rates), Stats.min(c.rates), Stats.max(c.rates), Stats.median(c.cpuRates));
        }
        List<Double> paired = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            paired.add(vector.rates.get(r) / plain.rates.get(r));
        }
        double ratio = Stats.median(vector.rates) / Stats.median(plain.rates);
        double cpuRatio = Stats.median(vector.cpuRates) / Stats.median(plain.cpuRates);
        System.out.printf(
                "  Vector API / plain loops = %.2f (median of the rounds' ratios %.2f), per CPU-second %.2f;"
                        + " target <= 2.0: %s%n",
                ratio, Stats.median(paired), cpuRatio, ratio <= 2.0 ? "met" : "MISSED");
    }
}
