package bnlab.bench;

import bnlab.Lab;
import bnlab.data.Batch;
import bnlab.data.FashionMnist;
import bnlab.dl4j.Dl4jClassifier;
import bnlab.dl4j.Dl4jLeNet;
import bnlab.train.History;
import bnlab.train.Machine;
import bnlab.train.Trainer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * How fast DL4J trains the LeNet-BN of notebook 5, and which settings matter: every variant
 * trains on the same real batches of 256 (seed-42 order), in turns (so machine noise hits all
 * alike): warm-up steps first, then rounds of steps; reported are the median step time over the
 * rounds and examples/sec = 256 / that. Thread count and OMP_WAIT_POLICY are per process: run
 * this again with OMP_NUM_THREADS / OMP_WAIT_POLICY set to compare them.
 * <pre>
 * scripts/bench.sh dl4j [warmup-steps] [rounds] [steps-per-round] [epochs] [all|tuned]
 * </pre>
 * With {@code epochs > 0} it then trains the tuned network that many full epochs through the
 * Trainer and prints the history.
 */
public final class Dl4jLeNetSpeed {

    public static void main(String[] args) {
        int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        int perRound = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int epochs = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        boolean all = args.length <= 4 || !"tuned".equals(args[4]);
        System.out.println(Lab.setup()); // first: it picks the ND4J build before ND4J loads
        System.out.printf(
                "DL4J LeNet-BN, batch 256, on %s; OMP_WAIT_POLICY=%s, OMP_NUM_THREADS=%s;" + " helpers allowed: %s%n",
                Machine.describe(),
                System.getenv("OMP_WAIT_POLICY"),
                System.getenv("OMP_NUM_THREADS"),
                Nd4j.getEnvironment().helpersAllowed());

        FashionMnist data = FashionMnist.load(epochs > 0 ? Integer.MAX_VALUE : 256 * 40, 10_000);
        List<Batch> batches = new ArrayList<>();
        for (Batch b : data.train().batches(256, Trainer.SEED)) {
            if (b.size() == 256 && batches.size() < 40) batches.add(b);
        }

        Map<String, Consumer<Batch>> variants = new LinkedHashMap<>();
        Dl4jClassifier tuned = Dl4jLeNet.create(1);
        variants.put(
                "tuned: workspaces ENABLED, cache NONE, oneDNN layer helpers, trainStep (fit + accuracy listener)",
                tuned::trainStep);
        MultiLayerNetwork plain = all ? Dl4jLeNet.network(1) : null;
        if (all)
            variants.put("same, bare fit(x, y) + score() (no accuracy listener)", b -> {
                INDArray y = b.yOneHot();
                plain.fit(b.x(), y);
                plain.score();
                y.close();
            });
        if (all) {
            // libnd4j's platform helpers (oneDNN kernels in the -onednn builds), off for this variant only
            Consumer<Batch> noHelpers = step(Dl4jLeNet.network(1));
            variants.put("helpers off (no oneDNN kernels; same as tuned otherwise)", b -> {
                Nd4j.getEnvironment().allowHelpers(false);
                try {
                    noHelpers.accept(b);
                } finally {
                    Nd4j.getEnvironment().allowHelpers(true);
                }
            });
        }
        // DL4J as it ships: its own check for the oneDNN layer helpers fails (Dl4jLeNet.useOneDnnHelpers)
        if (all) variants.put("no oneDNN layer helpers (DL4J 1.0.0-M2.1 as it ships)", step(net(c -> {}, false)));
        if (all)
            variants.put("cache DEVICE (im2col kept for backprop)", step(net(c -> c.setCacheMode(CacheMode.DEVICE))));
        if (all)
            variants.put("workspaces NONE (training and inference)", step(net(c -> {
                c.setTrainingWorkspaceMode(WorkspaceMode.NONE);
                c.setInferenceWorkspaceMode(WorkspaceMode.NONE);
            })));

        Map<String, List<Double>> ms = new LinkedHashMap<>();
        Map<String, Double> cpuMs = new LinkedHashMap<>();
        variants.forEach((name, v) -> {
            ms.put(name, new ArrayList<>());
            for (int i = 0; i < warmup; i++) v.accept(batches.get(i % batches.size()));
        });
        int next = 0;
        for (int r = 0; r < rounds; r++) {
            int from = next;
            for (Map.Entry<String, Consumer<Batch>> e : variants.entrySet()) {
                long t0 = System.nanoTime();
                long c0 = cpuNanos();
                for (int i = 0; i < perRound; i++) e.getValue().accept(batches.get((from + i) % batches.size()));
                ms.get(e.getKey()).add((System.nanoTime() - t0) / 1e6 / perRound);
                cpuMs.merge(e.getKey(), (cpuNanos() - c0) / 1e6 / perRound / rounds, Double::sum);
            }
            next += perRound;
        }
        if (rounds > 0)
            System.out.printf(
                    "%d warm-up steps, then %d rounds x %d steps per variant (median wall ms/step"
                            + " over rounds, its range, and the process's mean CPU ms/step, all threads):%n",
                    warmup, rounds, perRound);
        if (rounds > 0)
            ms.forEach((name, samples) -> {
                double[] s = samples.stream()
                        .mapToDouble(Double::doubleValue)
                        .sorted()
                        .toArray();
                double median = s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
                System.out.printf(
                        Locale.ROOT,
                        "  %7.1f examples/s  %6.1f ms/step (%.0f..%.0f)  cpu %6.1f ms/step  %s%n",
                        256 / (median / 1000),
                        median,
                        s[0],
                        s[s.length - 1],
                        cpuMs.get(name),
                        name);
            });
        System.out.printf(Locale.ROOT, "peak RSS %.0f MiB%n", Machine.peakRssMiB());

        if (epochs > 0) {
            History h = new Trainer().fit(Dl4jLeNet.create(1), data, epochs, p -> {
                if (p.isEpochEnd()) System.out.println("  " + p);
            });
            System.out.println(h.table().print());
            System.out.println(h);
            System.out.printf(Locale.ROOT, "peak RSS %.0f MiB%n", Machine.peakRssMiB());
        }
    }

    /** CPU time of the whole process (all threads), ns. */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static MultiLayerNetwork net(Consumer<MultiLayerConfiguration> change) {
        return net(change, true);
    }

    /** The tuned network with one setting changed, with or without DL4J's oneDNN layer helpers. */
    private static MultiLayerNetwork net(Consumer<MultiLayerConfiguration> change, boolean oneDnnHelpers) {
        MultiLayerConfiguration conf = Dl4jLeNet.configuration(1);
        change.accept(conf);
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        Dl4jLeNet.uniformBiases(net, 1);
        if (oneDnnHelpers) Dl4jLeNet.useOneDnnHelpers(net);
        return net;
    }

    private static Consumer<Batch> step(MultiLayerNetwork net) {
        Dl4jClassifier c = new Dl4jClassifier("variant", net);
        return c::trainStep;
    }
}
