package bnlab.experiments;

import bnlab.data.Batch;
import bnlab.data.ImageDataset;
import bnlab.nn.PreciseBatchNorm;
import bnlab.nn.Sequential;
import bnlab.nn.SoftmaxCrossEntropy;
import bnlab.train.Classifier;
import bnlab.train.ScratchClassifier;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Ways to measure an accuracy after an epoch, for {@link Experiment#measure}: each leaves the
 * network exactly as it found it (weights, moving statistics, training mode), so training goes on
 * as if nothing had been measured. They need our engine's networks ({@link ScratchClassifier}).
 * Each is a small named object holding its data, so the run cache can fingerprint it and load
 * the runs that use it.
 */
public final class Evaluations {

    private static final int BATCH = 256;

    private Evaluations() {}

    /**
     * Accuracy on {@code data} after Precise BN (Wu &amp; Johnson 2021): the batch-norm statistics
     * recomputed from the first {@code k} batches of {@code train} (always the same batches, in
     * the same order), each weighing the same; then the moving statistics are put back. A network
     * without batch norm has no statistics to recompute: its plain inference accuracy, so arms with
     * and without batch norm can share the measurement.
     */
    public static ToDoubleFunction<Classifier> afterPreciseBn(ImageDataset train, int k, ImageDataset data) {
        if (k < 1) {
            throw new IllegalArgumentException("Precise BN needs k >= 1 batches, got " + k);
        }
        return new AfterPreciseBn(train, k, data);
    }

    /** The measurements are records, not lambdas: the run cache fingerprints what they hold. */
    private record AfterPreciseBn(ImageDataset train, int k, ImageDataset data)
            implements ToDoubleFunction<Classifier> {
        @Override
        public double applyAsDouble(Classifier c) {
            Sequential net = network(c);
            if (!hasBatchNorm(net)) {
                return inferenceAccuracy(c, data);
            }
            PreciseBatchNorm.Snapshot saved = PreciseBatchNorm.snapshot(net);
            try {
                List<INDArray> inputs = new ArrayList<>();
                for (Batch b : train.batches(BATCH, 0)) {
                    if (inputs.size() == k) {
                        break;
                    }
                    inputs.add(b.x());
                }
                try {
                    PreciseBatchNorm.recompute(net, inputs, k);
                } finally {
                    inputs.forEach(Evaluations::free);
                }
                return inferenceAccuracy(c, data);
            } finally {
                saved.restore();
            }
        }
    }

    /**
     * Accuracy on {@code data} after the moving statistics were brought up to date the way
     * training updates them, but at frozen weights: {@code k} forward passes in training mode over
     * the first {@code k} batches of {@code train} (the same batches as {@link #afterPreciseBn}),
     * each moving every batch norm's averages by its momentum, no backward pass, no update. Same
     * formula as during training, only the weights no longer change between the batches: the
     * control that tells stale statistics from an averaging rule that is wrong. Afterwards the
     * moving statistics are put back. At most one pass over {@code train}. For networks whose only
     * state is their batch norms (a dropout or noise layer would draw random numbers in these passes).
     */
    public static ToDoubleFunction<Classifier> afterRefreshingMovingStatistics(
            ImageDataset train, int k, ImageDataset data) {
        if (k < 1) {
            throw new IllegalArgumentException("refreshing the moving statistics needs k >= 1 batches, got " + k);
        }
        return new AfterRefreshing(train, k, data);
    }

    private record AfterRefreshing(ImageDataset train, int k, ImageDataset data)
            implements ToDoubleFunction<Classifier> {
        @Override
        public double applyAsDouble(Classifier c) {
            Sequential net = network(c);
            PreciseBatchNorm.Snapshot saved = PreciseBatchNorm.snapshot(net);
            boolean training = net.isTraining();
            try {
                net.train();
                int used = 0;
                for (Batch b : train.batches(BATCH, 0)) {
                    if (used++ == k) {
                        free(b.x());
                        break;
                    }
                    net.forward(b.x());
                    free(b.x());
                }
                return inferenceAccuracy(c, data);
            } finally {
                saved.restore();
                net.setTraining(training);
            }
        }
    }

    /**
     * A measurement of a run's trained network, as a per-run measurement for
     * {@link Results#summary(String, ToDoubleFunction)} and {@link Results#paired}: NaN for a run
     * that diverged; the experiment must keep its networks ({@link Experiment#keepNetworks()}).
     * The function remembers its value for each run, so using it in a summary and again in a
     * comparison measures each network once.
     */
    public static ToDoubleFunction<Run> ofTrainedNetwork(ToDoubleFunction<Classifier> measurement) {
        java.util.Map<Run, Double> measured = java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());
        return run -> {
            if (run.diverged()) {
                return Double.NaN;
            }
            if (run.network() == null) {
                throw new IllegalStateException("the networks of arm '"
                        + run.arm().name() + "' were not kept: add keepNetworks() to the experiment");
            }
            return measured.computeIfAbsent(run, r -> afterTraining(measurement, r.network()));
        };
    }

    /**
     * {@code measurement} of a network kept after training, which then lets go of its engine's
     * working arrays again: dozens of kept networks, each holding tens of megabytes once measured,
     * would fill the kernel's heap.
     */
    static double afterTraining(ToDoubleFunction<Classifier> measurement, Classifier network) {
        try {
            return measurement.applyAsDouble(network);
        } finally {
            if (network instanceof ScratchClassifier m && m.net() instanceof Sequential s) {
                s.releaseEngine();
            }
        }
    }

    /** Accuracy on {@code data} when every test batch (of 256) is normalized with its own statistics. */
    public static ToDoubleFunction<Classifier> withBatchStatistics(ImageDataset data) {
        return withBatchStatistics(data, BATCH);
    }

    /**
     * Accuracy on {@code data} in batches of {@code batchSize}, each normalized with its own
     * statistics: at the training batch size, what the network saw while it trained (notebook 9).
     */
    public static ToDoubleFunction<Classifier> withBatchStatistics(ImageDataset data, int batchSize) {
        if (batchSize < 2) {
            throw new IllegalArgumentException("batch statistics need batches of at least 2 images, got " + batchSize);
        }
        if (data.size() % batchSize == 1) {
            throw new IllegalArgumentException(data.size() + " images in batches of " + batchSize
                    + " leave a last batch of " + "one image, which has no batch variance: use " + (data.size() - 1)
                    + " images (data.take(n))");
        }
        return new WithBatchStatistics(data, batchSize);
    }

    private record WithBatchStatistics(ImageDataset data, int batchSize) implements ToDoubleFunction<Classifier> {
        @Override
        public double applyAsDouble(Classifier c) {
            Sequential net = network(c);
            return PreciseBatchNorm.withBatchStatistics(net, () -> {
                long correct = 0;
                for (Batch b : data.batches(batchSize)) {
                    int[] predicted = SoftmaxCrossEntropy.argmax(net.forward(b.x()));
                    for (int i = 0; i < predicted.length; i++) {
                        correct += predicted[i] == b.y()[i] ? 1 : 0;
                    }
                    free(b.x());
                }
                return (double) correct / data.size();
            });
        }
    }

    /** Accuracy on {@code data} in inference mode, with the moving statistics (as the test accuracy is measured). */
    public static ToDoubleFunction<Classifier> withMovingStatistics(ImageDataset data) {
        return new WithMovingStatistics(data);
    }

    private record WithMovingStatistics(ImageDataset data) implements ToDoubleFunction<Classifier> {
        @Override
        public double applyAsDouble(Classifier c) {
            return inferenceAccuracy(c, data);
        }
    }

    private static double inferenceAccuracy(Classifier c, ImageDataset data) {
        long correct = 0;
        for (Batch b : data.batches(BATCH)) {
            correct += c.countCorrect(b);
            free(b.x());
        }
        return (double) correct / data.size();
    }

    /** Frees a batch's native memory now rather than at the next garbage collection. */
    private static void free(INDArray x) {
        if (x.closeable()) {
            x.close();
        }
    }

    private static boolean hasBatchNorm(Sequential net) {
        for (int i = 0; i < net.size(); i++) {
            if (net.get(i) instanceof bnlab.nn.BatchNorm) {
                return true;
            }
        }
        return false;
    }

    private static Sequential network(Classifier c) {
        if (c instanceof ScratchClassifier m && m.net() instanceof Sequential s) {
            return s;
        }
        throw new IllegalArgumentException("this measurement needs a network of bnlab.nn layers in a Sequential "
                + "(a ScratchClassifier), got " + c.name());
    }
}
