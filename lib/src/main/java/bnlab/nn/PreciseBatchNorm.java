package bnlab.nn;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Precise BN (Wu &amp; Johnson 2021, "Rethinking 'Batch' in BatchNorm", §3): with the weights
 * frozen, run forward passes over K training batches in training mode and replace every batch
 * norm's moving statistics by the plain average of the K batch means and the K batch variances
 * (each batch weighs the same), instead of the exponential moving average, which mostly reflects
 * the last ~1/(1 − momentum) batches and weights that have changed since.
 *
 * <p>The variance average uses the batch variances the layer normalizes with (biased, divided by
 * m = N·H·W), like the layer's moving variance. Nothing is trained: no backward pass, no update.
 * Afterwards every layer is back in the mode it was in.
 */
public final class PreciseBatchNorm {

    private PreciseBatchNorm() {
    }

    /** Sums of batch means and variances of one layer. */
    static final class Collector {
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
     * Recomputes the statistics of every {@link BatchNorm} among {@code net}'s layers from the
     * first {@code maxBatches} inputs of {@code inputs}; returns how many batches were used.
     */
    public static int recompute(Sequential net, Iterable<INDArray> inputs, int maxBatches) {
        if (maxBatches < 1) {
            throw new IllegalArgumentException("Precise BN needs at least one batch, got maxBatches = " + maxBatches);
        }
        List<BatchNorm> norms = norms(net);
        if (norms.isEmpty()) {
            throw new IllegalArgumentException("Precise BN: the network has no BatchNorm layer");
        }
        List<Collector> collectors = new ArrayList<>();
        List<Boolean> modes = new ArrayList<>();
        for (BatchNorm bn : norms) {
            Collector c = new Collector();
            collectors.add(c);
            modes.add(bn.isTraining());
            bn.collectInto(c);
            bn.setTraining(true);
        }
        int used = 0;
        try {
            for (INDArray x : inputs) {
                if (used == maxBatches) {
                    break;
                }
                net.forward(x);
                used++;
            }
        } finally {
            for (int i = 0; i < norms.size(); i++) {
                norms.get(i).collectInto(null);
                norms.get(i).setTraining(modes.get(i));
            }
        }
        if (used == 0) {
            throw new IllegalArgumentException("Precise BN: no input batches were given");
        }
        for (int i = 0; i < norms.size(); i++) {
            Collector c = collectors.get(i);
            BatchNorm bn = norms.get(i);
            bn.movingMean().assign(average(c.sumMean, c.batches, bn.movingMean()));
            bn.movingVar().assign(average(c.sumVar, c.batches, bn.movingVar()));
        }
        return used;
    }

    /** Every {@link BatchNorm} among the network's layers, in order. */
    static List<BatchNorm> norms(Sequential net) {
        List<BatchNorm> norms = new ArrayList<>();
        for (int i = 0; i < net.size(); i++) {
            if (net.get(i) instanceof BatchNorm bn) {
                norms.add(bn);
            }
        }
        return norms;
    }

    /** The moving statistics of every batch norm of a network, saved to be put back. */
    public static final class Snapshot {
        private final List<BatchNorm> norms;
        private final List<INDArray> means = new ArrayList<>();
        private final List<INDArray> vars = new ArrayList<>();

        private Snapshot(Sequential net) {
            norms = norms(net);
            for (BatchNorm bn : norms) {
                means.add(bn.movingMean().dup());
                vars.add(bn.movingVar().dup());
            }
        }

        /** Puts the saved statistics back. */
        public void restore() {
            for (int i = 0; i < norms.size(); i++) {
                norms.get(i).movingMean().assign(means.get(i));
                norms.get(i).movingVar().assign(vars.get(i));
            }
        }
    }

    /** Saves the moving statistics of every batch norm of {@code net}. */
    public static Snapshot snapshot(Sequential net) {
        return new Snapshot(net);
    }

    /**
     * Runs {@code body} with every batch norm normalizing with the statistics of the batch it is
     * given (training-mode normalization) while the moving statistics stay untouched; then puts
     * the layers back in their modes. To ask "what if the test batches used their own statistics?".
     */
    public static <T> T withBatchStatistics(Sequential net, java.util.function.Supplier<T> body) {
        List<BatchNorm> norms = norms(net);
        List<Boolean> modes = new ArrayList<>();
        for (BatchNorm bn : norms) {
            modes.add(bn.isTraining());
            bn.collectInto(new Collector());
            bn.setTraining(true);
        }
        try {
            return body.get();
        } finally {
            for (int i = 0; i < norms.size(); i++) {
                norms.get(i).collectInto(null);
                norms.get(i).setTraining(modes.get(i));
            }
        }
    }

    private static INDArray average(double[] sum, int count, INDArray like) {
        double[] v = new double[sum.length];
        for (int c = 0; c < v.length; c++) {
            v[c] = sum[c] / count;
        }
        return Nd4j.create(v, like.shape(), 'c').castTo(like.dataType());
    }
}
