package bnlab.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Precise BN (Wu &amp; Johnson 2021, "Rethinking 'Batch' in BatchNorm", §3): with the weights
 * frozen, run forward passes over K training batches in training mode and replace every batch
 * norm's moving statistics by the plain average of the K batch means and the K batch variances
 * (each batch weighs the same), instead of the exponential moving average, which mostly reflects
 * the last ~1/(1 − momentum) batches and weights that have changed since.
 *
 * <p>"Every batch norm" is every {@link NormalizationLayer} of the network (nested
 * {@link Sequential}s included) that keeps {@link MovingStatistics}: {@link BatchNorm} and its
 * lite forms, {@link GhostBatchNorm} (whose batch statistics are the size-weighted averages of its
 * virtual batches', as its moving averages take them) and {@link BatchRenorm}; LayerNorm,
 * GroupNorm and InstanceNorm keep none and are left alone. All layers are recomputed in one pass
 * per batch, as fvcore's {@code update_bn_stats} does.
 *
 * <p>The variance average uses the batch variances the layer normalizes with (biased, divided by
 * m = N·H·W), like the layer's moving variance. Nothing is trained: no backward pass, no update,
 * no BatchRenorm step counted. Afterwards every layer is back in the mode it was in.
 */
public final class PreciseBatchNorm {

    private PreciseBatchNorm() {}

    /** Sums of batch means and variances of one layer. */
    private static final class Collector {
        private double[] sumMean;
        private double[] sumVar;
        private int batches;

        void add(double[] mean, double[] var) {
            if (sumMean == null) {
                sumMean = new double[mean.length];
                sumVar = new double[var.length];
            }
            for (int c = 0; c < mean.length; c++) {
                sumMean[c] += mean[c];
                sumVar[c] += var[c];
            }
            batches++;
        }
    }

    /**
     * Recomputes the statistics of every batch-statistics layer of {@code net} from the first
     * {@code maxBatches} inputs of {@code inputs}; returns how many batches were used.
     */
    public static int recompute(Sequential net, Iterable<INDArray> inputs, int maxBatches) {
        if (maxBatches < 1) {
            throw new IllegalArgumentException("Precise BN needs at least one batch, got maxBatches = " + maxBatches);
        }
        List<NormalizationLayer> norms = norms(net);
        if (norms.isEmpty()) {
            throw new IllegalArgumentException("Precise BN: the network has no layer with moving statistics "
                    + "(BatchNorm, GhostBatchNorm, BatchRenorm); LayerNorm, GroupNorm and InstanceNorm keep none");
        }
        List<Collector> collectors = collectors(norms.size());
        int[] used = {0};
        collecting(norms, collectors, () -> {
            for (INDArray x : inputs) {
                if (used[0] == maxBatches) {
                    break;
                }
                net.forward(x);
                used[0]++;
            }
            return null;
        });
        if (used[0] == 0) {
            throw new IllegalArgumentException("Precise BN: no input batches were given");
        }
        for (int i = 0; i < norms.size(); i++) {
            Collector c = collectors.get(i);
            MovingStatistics moving = norms.get(i).movingStatistics();
            moving.mean().assign(average(c.sumMean, c.batches, moving.mean()));
            moving.variance().assign(average(c.sumVar, c.batches, moving.variance()));
        }
        return used[0];
    }

    /**
     * Runs {@code body} with each layer in training mode, its batch statistics going to its
     * collector instead of its moving averages; then puts the layers back as they were.
     */
    private static <T> T collecting(List<NormalizationLayer> norms, List<Collector> collectors, Supplier<T> body) {
        List<Boolean> modes = new ArrayList<>();
        for (int i = 0; i < norms.size(); i++) {
            NormalizationLayer layer = norms.get(i);
            Collector c = collectors.get(i);
            modes.add(layer.isTraining());
            layer.movingStatistics().collectInto(c::add);
            layer.setTraining(true);
        }
        try {
            return body.get();
        } finally {
            for (int i = 0; i < norms.size(); i++) {
                norms.get(i).movingStatistics().collectInto(null);
                norms.get(i).setTraining(modes.get(i));
            }
        }
    }

    /** Every normalization layer with moving statistics among the network's layers, nested ones included, in order. */
    static List<NormalizationLayer> norms(Sequential net) {
        List<NormalizationLayer> norms = new ArrayList<>();
        for (int i = 0; i < net.size(); i++) {
            Layer layer = net.get(i);
            if (layer instanceof Sequential inner) {
                norms.addAll(norms(inner));
            } else if (layer instanceof NormalizationLayer n && n.movingStatistics() != null) {
                norms.add(n);
            }
        }
        return norms;
    }

    /** The moving statistics of every batch norm of a network, saved to be put back. */
    public static final class Snapshot {
        private final List<NormalizationLayer> norms;
        private final List<INDArray> means = new ArrayList<>();
        private final List<INDArray> vars = new ArrayList<>();

        private Snapshot(Sequential net) {
            norms = norms(net);
            for (NormalizationLayer n : norms) {
                means.add(n.movingStatistics().mean().dup());
                vars.add(n.movingStatistics().variance().dup());
            }
        }

        /** Puts the saved statistics back. */
        public void restore() {
            for (int i = 0; i < norms.size(); i++) {
                norms.get(i).movingStatistics().mean().assign(means.get(i));
                norms.get(i).movingStatistics().variance().assign(vars.get(i));
            }
        }
    }

    /** Saves the moving statistics of every batch norm of {@code net}. */
    public static Snapshot snapshot(Sequential net) {
        return new Snapshot(net);
    }

    /**
     * Runs {@code body} with every batch norm normalizing as in training mode, with the
     * statistics of the batch it is given, while the moving statistics stay untouched; then puts
     * the layers back in their modes. To ask "what if the test batches used their own statistics?".
     */
    public static <T> T withBatchStatistics(Sequential net, Supplier<T> body) {
        List<NormalizationLayer> norms = norms(net);
        return collecting(norms, collectors(norms.size()), body);
    }

    private static List<Collector> collectors(int count) {
        List<Collector> collectors = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            collectors.add(new Collector());
        }
        return collectors;
    }

    private static INDArray average(double[] sum, int count, INDArray like) {
        double[] v = new double[sum.length];
        for (int c = 0; c < v.length; c++) {
            v[c] = sum[c] / count;
        }
        return Nd4j.create(v, like.shape(), 'c').castTo(like.dataType());
    }
}
