package bnlab.bench;

import bnlab.Lab;
import bnlab.data.Batch;
import bnlab.dl4j.Dl4jLeNet;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Where DL4J's LeNet-BN training step spends its time: forward and backward milliseconds of each
 * layer of notebook 5's network (medians over steps), next to a whole {@code fit(x, y)} step in
 * the same process, alternating. The layers are driven one by one as {@code MultiLayerNetwork}
 * drives them (input preprocessors included), without workspaces, so the per-layer sum is
 * comparable with the "workspaces NONE" variant of {@code Dl4jLeNetSpeed} rather than with the
 * tuned {@code fit}; the parameter update is not included.
 * <pre>
 * scripts/bench.sh dl4j-profile [steps]
 * </pre>
 */
public final class Dl4jLayerProfile {

    public static void main(String[] args) {
        if (args.length > 1) throw new IllegalArgumentException("usage: Dl4jLayerProfile [steps]");
        int steps = args.length == 0 ? 30 : BenchArgs.positive("steps", args[0]);
        System.out.println(Lab.setup());
        List<Batch> batches = BenchData.firstEpochBatches(steps);
        MultiLayerNetwork byLayer = Dl4jLeNet.network(1);
        byLayer.initGradientsView(); // fit() does this on its first call
        MultiLayerNetwork whole = Dl4jLeNet.network(1);
        Layer[] layers = byLayer.getLayers();
        int n = layers.length;
        double[][] fwd = new double[n][steps];
        double[][] bwd = new double[n][steps];
        double[] layerSteps = new double[steps];
        double[] fitSteps = new double[steps];
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        for (int s = 0; s < steps; s++) {
            Batch b = batches.get(s % batches.size());
            INDArray y = b.yOneHot();
            long t0 = System.nanoTime();
            INDArray a = b.x();
            for (int i = 0; i < n; i++) {
                long t = System.nanoTime();
                InputPreProcessor pre = byLayer.getLayerWiseConfigurations().getInputPreProcess(i);
                if (pre != null) a = pre.preProcess(a, b.size(), mgr);
                if (i == n - 1) {
                    layers[i].setInput(a, mgr);
                    ((IOutputLayer) layers[i]).setLabels(y);
                } else {
                    a = layers[i].activate(a, true, mgr);
                }
                fwd[i][s] = (System.nanoTime() - t) / 1e6;
            }
            INDArray eps = null;
            for (int i = n - 1; i >= 0; i--) {
                long t = System.nanoTime();
                eps = layers[i].backpropGradient(eps, mgr).getSecond();
                InputPreProcessor pre = byLayer.getLayerWiseConfigurations().getInputPreProcess(i);
                if (pre != null && eps != null) eps = pre.backprop(eps, b.size(), mgr);
                bwd[i][s] = (System.nanoTime() - t) / 1e6;
            }
            layerSteps[s] = (System.nanoTime() - t0) / 1e6;
            long t1 = System.nanoTime();
            whole.fit(b.x(), y);
            fitSteps[s] = (System.nanoTime() - t1) / 1e6;
        }
        int skip = steps / 3;
        System.out.printf(
                Locale.ROOT,
                "DL4J LeNet-BN, batch 256, %d steps measured (first %d skipped); " + "ms per step, medians%n%n",
                steps - skip,
                skip);
        System.out.printf(
                Locale.ROOT,
                "%2s %-26s %8s %8s %7s  %s%n",
                "#",
                "layer",
                "fwd ms",
                "bwd ms",
                "share",
                "platform helper (oneDNN)");
        double sf = 0, sb = 0;
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double f = Stats.median(fwd[i], skip), bw = Stats.median(bwd[i], skip);
            rows.add(new double[] {f, bw});
            sf += f;
            sb += bw;
        }
        for (int i = 0; i < n; i++) {
            String name = layers[i].getClass().getSimpleName();
            double[] r = rows.get(i);
            Object helper = layers[i].getHelper();
            System.out.printf(
                    Locale.ROOT,
                    "%2d %-26s %8.3f %8.3f %6.1f%%  %s%n",
                    i + 1,
                    name,
                    r[0],
                    r[1],
                    100 * (r[0] + r[1]) / (sf + sb),
                    helper == null ? "none" : helper.getClass().getSimpleName());
        }
        System.out.printf(Locale.ROOT, "   %-26s %8.3f %8.3f%n", "sum of layers", sf, sb);
        double layered = Stats.median(layerSteps, skip), fit = Stats.median(fitSteps, skip);
        System.out.printf(
                Locale.ROOT,
                "layer by layer, no workspaces, no update: %.1f ms per step (%.0f examples/s)%n",
                layered,
                256 / layered * 1000);
        System.out.printf(
                Locale.ROOT,
                "fit(x, y) of the tuned network, same batches: %.1f ms per step (%.0f examples/s)%n",
                fit,
                256 / fit * 1000);
    }
}
