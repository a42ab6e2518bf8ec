package bnlab.bench;

import bnlab.Lab;
import bnlab.data.Batch;
import bnlab.data.FashionMnist;
import bnlab.nn.Init;
import bnlab.nn.LeNet;
import bnlab.nn.Sequential;
import bnlab.nn.Sgd;
import bnlab.nn.SoftmaxCrossEntropy;
import bnlab.nn.kernel.FastSequential;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where the time of our LeNet-BN training step goes: forward and backward milliseconds of each
 * layer in the fast engine (medians over steps, after a warm-up), the loss and the SGD update,
 * and the whole step. {@code --tsv} prints machine-readable lines for scripts/bench.sh profile:
 * {@code layer<TAB>name<TAB>fwd_ms<TAB>bwd_ms} per layer and {@code step<TAB>ms}.
 * Run with {@code scripts/bench.sh profile [steps]}.
 */
public final class LayerProfile {

    public static void main(String[] args) {
        boolean tsv = Arrays.asList(args).contains("--tsv");
        int steps = Arrays.stream(args).filter(a -> !a.startsWith("--")).findFirst().map(Integer::parseInt).orElse(120);
        if (!tsv) {
            System.out.println(Lab.setup());
        }
        FashionMnist data = FashionMnist.load(60000, 256);
        List<Batch> batches = new ArrayList<>();
        for (Batch b : data.train().batches(256, 1)) {
            if (b.size() == 256) {
                batches.add(b);
            }
        }
        Sequential net = LeNet.withBatchNorm(Init.seeded(1));
        Sgd sgd = new Sgd(net.parameters(), 1.0);
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        FastSequential engine = net.engine();
        int layers = net.size();
        double[][] fwd = new double[layers][steps];
        double[][] bwd = new double[layers][steps];
        double[] step = new double[steps];
        double[] rest = new double[steps];
        for (int s = 0; s < steps; s++) {
            Batch b = batches.get(s % batches.size());
            engine.resetTimes();
            long t0 = System.nanoTime();
            loss.forward(net.forward(b.x()), b.y());
            net.backward(loss.backward());
            sgd.step();
            step[s] = (System.nanoTime() - t0) / 1e6;
            double inLayers = 0;
            for (int i = 0; i < layers; i++) {
                fwd[i][s] = engine.forwardNanos(i) / 1e6;
                bwd[i][s] = engine.backwardNanos(i) / 1e6;
                inLayers += fwd[i][s] + bwd[i][s];
            }
            rest[s] = step[s] - inLayers;
        }
        int skip = steps / 3;
        double sumF = 0;
        double sumB = 0;
        if (!tsv) {
            System.out.printf("%nOur LeNet-BN step, batch 256, fast engine, medians of steps %d..%d:%n", skip, steps - 1);
            System.out.printf("  %-3s %-58s %8s %8s%n", "#", "layer", "fwd ms", "bwd ms");
        }
        for (int i = 0; i < layers; i++) {
            double f = median(fwd[i], skip);
            double bw = median(bwd[i], skip);
            sumF += f;
            sumB += bw;
            if (tsv) {
                System.out.printf("layer\t%s\t%.4f\t%.4f%n", net.get(i), f, bw);
            } else {
                System.out.printf("  %-3d %-58s %8.3f %8.3f%n", i, net.get(i), f, bw);
            }
        }
        double whole = median(step, skip);
        if (tsv) {
            System.out.printf("step\t%.4f%n", whole);
        } else {
            System.out.printf("  %-62s %8.3f %8.3f%n", "sum of layers", sumF, sumB);
            System.out.printf("  %-62s %8.3f%n", "loss, input/output copies, SGD update", median(rest, skip));
            System.out.printf("  whole step %.3f ms -> %.0f examples/s%n", whole, 256 / whole * 1000);
        }
    }

    static double median(double[] v, int skip) {
        double[] s = Arrays.copyOfRange(v, skip, v.length);
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
