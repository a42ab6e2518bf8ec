package bnlab.bench;

import bnlab.Lab;
import bnlab.data.Batch;
import bnlab.data.FashionMnist;
import bnlab.dl4j.Dl4jLeNet;
import bnlab.nn.Init;
import bnlab.nn.LeNet;
import bnlab.train.Classifier;
import bnlab.train.ScratchClassifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scratch engine against DL4J (targets: ours at least 3 000 examples/s and faster than
 * DL4J): LeNet-BN trained by our engine and by DL4J on the same real
 * Fashion-MNIST batches (batch 256, lr 1.0), in one process. After a warm-up, the two networks
 * take turns, one block of steps each per round, so machine noise hits both alike; the report
 * gives median examples/s over the rounds and the ratio. The clock covers training steps only
 * (forward, loss, backward, update), not data loading or evaluation.
 * Run with {@code scripts/bench.sh training [rounds] [stepsPerRound]}.
 */
public final class TrainingBench {

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        System.out.println(Lab.setup());
        FashionMnist data = FashionMnist.load(60000, 256);
        List<Batch> batches = new ArrayList<>();
        for (Batch b : data.train().batches(256, 1)) {
            if (b.size() == 256) {
                batches.add(b);
            }
        }
        Map<String, Classifier> nets = new LinkedHashMap<>();
        nets.put("ours", new ScratchClassifier("scratch BatchNorm", LeNet.withBatchNorm(Init.seeded(1)), 1.0));
        nets.put("DL4J", Dl4jLeNet.create(1));
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        Map<String, Integer> cursor = new LinkedHashMap<>();
        nets.keySet().forEach(k -> {
            rates.put(k, new ArrayList<>());
            cursor.put(k, 0);
        });
        for (int round = -1; round < rounds; round++) { // round -1 warms up
            for (var e : nets.entrySet()) {
                int at = cursor.get(e.getKey());
                long t0 = System.nanoTime();
                for (int s = 0; s < steps; s++) {
                    e.getValue().trainStep(batches.get(at++ % batches.size()));
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                cursor.put(e.getKey(), at);
                if (round >= 0) {
                    rates.get(e.getKey()).add(steps * 256 / seconds);
                }
            }
        }
        System.out.printf(
                "%nLeNet-BN training, batch 256, %d rounds of %d steps per network, interleaved:%n", rounds, steps);
        Map<String, Double> median = new LinkedHashMap<>();
        for (var e : rates.entrySet()) {
            double[] r = e.getValue().stream()
                    .mapToDouble(Double::doubleValue)
                    .sorted()
                    .toArray();
            double m = r.length % 2 == 1 ? r[r.length / 2] : (r[r.length / 2 - 1] + r[r.length / 2]) / 2;
            median.put(e.getKey(), m);
            System.out.printf(
                    "  %-5s median %7.1f examples/s (range %.1f .. %.1f)%n", e.getKey(), m, r[0], r[r.length - 1]);
        }
        double ours = median.get("ours");
        double ratio = ours / median.get("DL4J");
        boolean ok = ours >= 3000 && ratio > 1;
        System.out.printf(
                "  ours / DL4J = %.2f; targets: ours >= 3000 examples/s and faster than DL4J -> %s%n",
                ratio, ok ? "met" : "MISSED");
    }
}
