package bnlab.bench;

import bnlab.Lab;
import bnlab.data.Batch;
import bnlab.nn.Init;
import bnlab.nn.LeNet;
import bnlab.nn.Module;
import bnlab.nn.Parameter;
import bnlab.nn.Sequential;
import bnlab.nn.Sgd;
import bnlab.nn.SoftmaxCrossEntropy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Forward and backward milliseconds of each layer of our LeNet-BN training step (medians).
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
 */
public final class LayerProfile {

    /** Times one layer's forward and backward. */
    static final class Timed implements Module {
        final Module inner;
        final List<Double> fwd = new ArrayList<>();
        final List<Double> bwd = new ArrayList<>();
        Timed(Module inner) { this.inner = inner; }
        public INDArray forward(INDArray x) { long t = System.nanoTime(); INDArray y = inner.forward(x); fwd.add((System.nanoTime() - t) / 1e6); return y; }
        public INDArray backward(INDArray d) { long t = System.nanoTime(); INDArray y = inner.backward(d); bwd.add((System.nanoTime() - t) / 1e6); return y; }
        public List<Parameter> parameters() { return inner.parameters(); }
        public void inputGradientNotNeeded() { inner.inputGradientNotNeeded(); }
        public void setTraining(boolean t) { inner.setTraining(t); }
    }

    public static void main(String[] args) {
        boolean tsv = List.of(args).contains("--tsv");
        List<String> rest = new ArrayList<>(List.of(args));
        rest.remove("--tsv");
        if (rest.size() > 1) throw new IllegalArgumentException("usage: LayerProfile [steps] [--tsv]");
        int steps = rest.isEmpty() ? 60 : BenchArgs.positive("steps", rest.get(0));
        System.out.println((tsv ? "# " : "") + Lab.setup());
        List<Batch> batches = BenchData.firstEpochBatches(steps);
        Sequential plain = LeNet.withBatchNorm(Init.seeded(1));
        Module[] timed = new Module[plain.size()];
        for (int i = 0; i < timed.length; i++) timed[i] = new Timed(plain.get(i));
        Sequential net = new Sequential(timed);
        Sgd sgd = new Sgd(net.parameters(), 1.0);
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        List<Double> total = new ArrayList<>();
        for (int s = 0; s < steps; s++) {
            Batch b = batches.get(s % batches.size());
            long t = System.nanoTime();
            loss.forward(net.forward(b.x()), b.y());
            net.backward(loss.backward());
            sgd.step();
            total.add((System.nanoTime() - t) / 1e6);
        }
        int skip = steps / 3;
        double step = median(total.subList(skip, total.size()));
        if (tsv) System.out.printf(Locale.ROOT, "bnlab-layer-profile\t1\t%d\t%d%n", steps - skip, 256);
        else System.out.printf("%-40s %8s %8s%n", "layer", "fwd ms", "bwd ms");
        double sf = 0, sb = 0;
        int index = 0;
        for (Module m : timed) {
            Timed t = (Timed) m;
            double f = median(t.fwd.subList(skip, t.fwd.size()));
            double bw = t.bwd.size() > skip ? median(t.bwd.subList(skip, t.bwd.size())) : 0;
            sf += f; sb += bw;
            String name = t.inner.toString().replaceAll("\\s+", " ");
            if (tsv) System.out.printf(Locale.ROOT, "layer\t%d\t%s\t%.4f\t%.4f%n", ++index, name, f, bw);
            else System.out.printf("%-40s %8.3f %8.3f%n", name, f, bw);
        }
        if (tsv) {
            System.out.printf(Locale.ROOT, "step\t%.4f\t%.1f%n", step, 256 / step * 1000);
            return;
        }
        System.out.printf("%-40s %8.3f %8.3f%n", "sum of layers", sf, sb);
        System.out.printf("whole step median %.3f ms -> %.0f examples/s%n", step, 256 / step * 1000);
    }

    static double median(List<Double> v) {
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
