package bnlab.bench;

import bnlab.Lab;
import bnlab.data.Batch;
import bnlab.nn.Init;
import bnlab.nn.LeNet;
import bnlab.nn.Sequential;
import bnlab.nn.Sgd;
import bnlab.nn.SoftmaxCrossEntropy;
import bnlab.nn.kernel.FastSequential;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Forward and backward milliseconds of each layer of our LeNet-BN training step (medians), as
 * the fast engine times them (the step the notebooks train with).
 * <pre>
 * LayerProfile [steps] [--tsv]
 * </pre>
 * With {@code --tsv} it prints only the machine-readable contract (v1) that
 * {@code scripts/bench.sh profile} (scripts/bench_torch.py) reads, tab-separated, one record a
 * line, in this order; lines starting with {@code #} are comments:
 * <pre>
 * bnlab-layer-profile  1  &lt;steps measured&gt;  &lt;batch&gt;
 * layer  &lt;index from 1&gt;  &lt;name&gt;  &lt;forward ms&gt;  &lt;backward ms&gt;     (one per layer, in order)
 * step  &lt;median ms of a whole step&gt;  &lt;examples/s&gt;
 * </pre>
 * Names have no tabs; milliseconds are medians with a dot as the decimal separator.
 *
 * <p>With {@code --cpu} (and {@code -Dbnlab.threads=1}) the times are the CPU time of the one
 * thread that does all the work instead of wall time: on a machine other processes keep busy,
 * CPU time barely moves while wall time doubles ({@code scripts/bench.sh cpu-profile}).
 */
public final class LayerProfile {

    public static void main(String[] args) {
        boolean tsv = List.of(args).contains("--tsv");
        boolean cpu = List.of(args).contains("--cpu");
        List<String> rest = new ArrayList<>(List.of(args));
        rest.remove("--tsv");
        rest.remove("--cpu");
        if (rest.size() > 1) throw new IllegalArgumentException("usage: LayerProfile [steps] [--tsv] [--cpu]");
        if (cpu && bnlab.nn.kernel.Parallel.THREADS != 1) {
            throw new IllegalArgumentException("LayerProfile --cpu times one thread: run it with -Dbnlab.threads=1");
        }
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        java.util.function.LongSupplier clock = cpu ? threads::getCurrentThreadCpuTime : System::nanoTime;
        int steps = rest.isEmpty() ? 240 : BenchArgs.positive("steps", rest.get(0));
        System.out.println((tsv ? "# " : "") + Lab.setup());
        List<Batch> batches = BenchData.firstEpochBatches(steps);
        Sequential net = LeNet.withBatchNorm(Init.seeded(1));
        net.inputGradientNotNeeded(); // as a trainer does: conv1 skips the images' gradient
        Sgd sgd = new Sgd(net.parameters(), 1.0);
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        FastSequential engine = net.engine();
        if (engine == null) {
            throw new IllegalStateException("the fast engine is off: " + FastSequential.describe());
        }
        engine.timeWith(clock);
        int layers = net.size();
        double[][] fwd = new double[layers][steps];
        double[][] bwd = new double[layers][steps];
        double[] total = new double[steps];
        for (int s = 0; s < steps; s++) {
            Batch b = batches.get(s % batches.size());
            engine.resetTimes();
            long t = clock.getAsLong();
            loss.forward(net.forward(b.x()), b.y());
            net.backward(loss.backward());
            sgd.step();
            total[s] = (clock.getAsLong() - t) / 1e6;
            for (int i = 0; i < layers; i++) {
                fwd[i][s] = engine.forwardNanos(i) / 1e6;
                bwd[i][s] = engine.backwardNanos(i) / 1e6;
            }
        }
        int skip = steps / 3;
        double step = Stats.median(total, skip);
        if (tsv) System.out.printf(Locale.ROOT, "bnlab-layer-profile\t1\t%d\t%d%n", steps - skip, 256);
        else System.out.printf("%-40s %8s %8s%n", "layer", "fwd ms", "bwd ms");
        double sf = 0, sb = 0;
        for (int i = 0; i < layers; i++) {
            double f = Stats.median(fwd[i], skip);
            double bw = Stats.median(bwd[i], skip);
            sf += f;
            sb += bw;
            String name = net.get(i).toString().replaceAll("\\s+", " ");
            if (tsv) System.out.printf(Locale.ROOT, "layer\t%d\t%s\t%.4f\t%.4f%n", i + 1, name, f, bw);
            else System.out.printf("%-40s %8.3f %8.3f%n", name, f, bw);
        }
        if (tsv) {
            System.out.printf(Locale.ROOT, "step\t%.4f\t%.1f%n", step, 256 / step * 1000);
            return;
        }
        System.out.printf("%-40s %8.3f %8.3f%n", "sum of layers", sf, sb);
        System.out.printf(
                "whole step median %.3f ms -> %.0f examples/s%s%n",
                step, 256 / step * 1000, cpu ? " per CPU-second (one thread, CPU time)" : "");
    }
}
