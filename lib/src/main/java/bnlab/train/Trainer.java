package bnlab.train;

import bnlab.NativeMemory;
import bnlab.data.Batch;
import bnlab.data.FashionMnist;
import bnlab.data.ImageDataset;
import bnlab.data.LastBatch;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * d2l's {@code train_ch6} for any {@link Classifier}: epochs over shuffled mini-batches, the
 * mean training loss and training accuracy of each epoch, the test accuracy in inference mode
 * after it, and examples per second.
 * <pre>{@code
 * History h = new Trainer().fit(net, FashionMnist.load(profile), profile.epochs());
 * System.out.println(h);   // loss 0.273, train acc 0.899, test acc 0.807
 *                          // 3313.6 examples/sec on AMD EPYC, 2 threads
 * }</pre>
 * The learning rate belongs to the network (its optimizer), not to the trainer.
 *
 * <p><b>Data order.</b> Epoch {@code e} (0-based) is shuffled with seed {@code seed + e}, so two
 * networks trained with the same seed see exactly the same batches in the same order.
 *
 * <p><b>What the clock includes.</b> examples/sec counts the time inside
 * {@link Classifier#trainStep} only: forward pass, loss, backward pass, parameter update and the
 * loss/correct bookkeeping of the step, as d2l's timer does. It excludes assembling the batch
 * (bytes to a float array), the test evaluation and the progress display; those are in the
 * epoch's wall time ({@link EpochResult#wallSeconds()}).
 *
 * <p><b>Memory.</b> Each batch's image array is freed right after it is used instead of waiting
 * for the garbage collector (ND4J frees native memory only when the GC runs); the rest of the
 * native garbage (DL4J leaves some at every step) is collected by {@link NativeMemory}'s guard,
 * which {@code Lab.setup()} starts and which also collects at the end of every epoch, so the
 * resident memory the history records after each epoch is comparable from epoch to epoch. A
 * classifier must not keep a batch's arrays after the call that received them.
 */
public final class Trainer {

    /** d2l's batch size. */
    public static final int BATCH_SIZE = 256;
    /** The default seed of the data order. */
    public static final long SEED = 42;

    private final int batchSize;
    private final long seed;
    private RunCache cache = RunCache.current();
    private LastBatch lastBatch = LastBatch.KEEP;
    private final java.util.Map<String, java.util.function.ToDoubleFunction<Classifier>> measurements =
            new java.util.LinkedHashMap<>();

    /**
     * Adds a measurement taken after every epoch, after the test accuracy (e.g. the test accuracy
     * after recomputing the batch-norm statistics); {@link History#metric(String)} returns its
     * values. It must leave the network as it found it.
     */
    public Trainer measureEachEpoch(String name, java.util.function.ToDoubleFunction<Classifier> measurement) {
        measurements.put(name, measurement);
        return this;
    }

    /** Batch size 256, data-order seed 42. */
    public Trainer() {
        this(BATCH_SIZE, SEED);
    }

    public Trainer(int batchSize, long seed) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size " + batchSize + " < 1");
        this.batchSize = batchSize;
        this.seed = seed;
    }

    public int batchSize() {
        return batchSize;
    }

    /**
     * What happens to the training examples left over when the batch size does not divide the
     * training set: a smaller last batch (KEEP, the default, as PyTorch's DataLoader), left out
     * (DROP, {@code drop_last=True}) or added to the batch before (MERGE). A last batch of one
     * example cannot train batch norm; this is the fix the error then names.
     */
    public Trainer lastBatch(LastBatch last) {
        this.lastBatch = java.util.Objects.requireNonNull(last, "lastBatch");
        return this;
    }

    public LastBatch lastBatch() {
        return lastBatch;
    }

    public long seed() {
        return seed;
    }

    /** Trains on {@code data.train()}, evaluates on {@code data.test()}, no progress display. */
    public History fit(Classifier net, FashionMnist data, int epochs) {
        return fit(net, data.train(), data.test(), epochs, ProgressListener.none());
    }

    /** Trains on {@code data.train()}, evaluates on {@code data.test()}, reporting to {@code progress}. */
    public History fit(Classifier net, FashionMnist data, int epochs, ProgressListener progress) {
        return fit(net, data.train(), data.test(), epochs, progress);
    }

    /**
     * Trains {@code net} for {@code epochs} epochs on {@code train}, testing on {@code test}.
     *
     * <p>If the {@linkplain #cache(RunCache) run cache} holds this very run (same network as
     * built, same data, epochs, batch size, seed and measurements, same library build), the
     * network is set to its trained state and the stored history returned instead, with one
     * printed line saying so; the progress listener then sees the last epoch only. A network
     * the cache cannot fingerprint (a module written in a notebook, say) always trains.
     */
    public History fit(Classifier net, ImageDataset train, ImageDataset test, int epochs, ProgressListener progress) {
        if (epochs < 1) throw new IllegalArgumentException("epochs " + epochs + " < 1");
        requireExamples("training", train);
        requireExamples("test", test);
        RunKey key = cache.enabled() ? key(net, train, test, epochs, progress) : null;
        if (key != null && key.cacheable()) {
            var hit = cache.load(key);
            if (hit.isPresent()
                    && hit.get().history() != null
                    && hit.get().failure() == null
                    && hit.get().restoreNetwork(net, test)) {
                History h = hit.get().history();
                EpochResult last = h.last();
                int batches = lastBatch.batchCount(train.size(), batchSize);
                progress.update(new Progress(
                        epochs, epochs, batches, batches, last.loss(), last.trainAcc(), last.testAcc(), h));
                String date = java.time.Instant.ofEpochMilli(hit.get().createdMillis())
                        .toString()
                        .substring(0, 10);
                bnlab.viz.Labels labels = bnlab.viz.Labels.current();
                String line = "{network}: loaded from the run cache (trained on {date} with this network, data and "
                        + "settings; BNLAB_CACHE=off trains it again)";
                System.out.println((labels.language().equals("en") ? line : labels.translate(line))
                        .replace("{network}", net.name())
                        .replace("{date}", date));
                return h;
            }
        }
        NetworkState.Layout layout = null;
        if (key != null && key.cacheable()) {
            try {
                layout = NetworkState.layout(net);
            } catch (RuntimeException e) {
                layout = null; // trained, not kept
            }
        }
        History history = train(net, train, test, epochs, progress);
        if (layout != null) {
            RunRecord record = new RunRecord(history, null);
            if (record.keepNetwork(layout, net, test)) {
                cache.save(key, record);
            }
        }
        return history;
    }

    /**
     * The run cache this trainer reads and writes ({@link RunCache#current()} unless set);
     * {@code RunCache.off()} makes every fit train.
     */
    public Trainer cache(RunCache cache) {
        this.cache = java.util.Objects.requireNonNull(cache, "cache");
        return this;
    }

    /** What defines a fit of {@code net}: the key it is cached under. */
    private RunKey key(Classifier net, ImageDataset train, ImageDataset test, int epochs, ProgressListener progress) {
        return RunKey.builder()
                .add("network", net)
                .add("training data", train)
                .add("test data", test)
                .add("epochs", epochs)
                .add("batch size", batchSize)
                .add("last batch", lastBatch.name())
                .add("seed", seed)
                .add("measurements", measurements)
                .add("curve points per epoch", progress.updatesPerEpoch())
                .add("native threads", Machine.threads())
                .threads(bnlab.nn.kernel.Parallel.parts(1 << 20, 1 << 20))
                .build();
    }

    private History train(
            Classifier net, ImageDataset train, ImageDataset test, int epochs, ProgressListener progress) {
        int batches = lastBatch.batchCount(train.size(), batchSize);
        if (batches == 0) {
            throw new IllegalArgumentException("the training set has " + train.size() + " examples, fewer than one "
                    + "batch of " + batchSize + ", and LastBatch.DROP leaves them all out: use a smaller batch size or "
                    + "LastBatch.KEEP / MERGE");
        }
        History history = new History(net.name(), Machine.describe(), epochs);
        int every = Math.max(1, batches / Math.max(1, progress.updatesPerEpoch()));
        for (int epoch = 1; epoch <= epochs; epoch++) {
            long wallStart = System.nanoTime();
            long trainNanos = 0;
            double lossSum = 0;
            long correct = 0;
            long examples = 0;
            int b = 0;
            for (Batch batch : train.batches(batchSize, epochSeed(epoch), lastBatch)) {
                long t0 = System.nanoTime();
                Classifier.StepResult step = trainStep(net, batch, train.size(), epoch);
                trainNanos += System.nanoTime() - t0;
                free(batch);
                check(step, batch, net);
                lossSum += step.lossSum();
                correct += step.correct();
                examples += step.examples();
                b++;
                if (b % every == 0 && b < batches) {
                    double x = epoch - 1 + (double) b / batches;
                    history.add(new History.Point(x, lossSum / examples, (double) correct / examples));
                    progress.update(new Progress(
                            epoch,
                            epochs,
                            b,
                            batches,
                            lossSum / examples,
                            (double) correct / examples,
                            Double.NaN,
                            history));
                }
            }
            double loss = lossSum / examples;
            double trainAcc = (double) correct / examples;
            history.add(new History.Point(epoch, loss, trainAcc));
            double testAcc = accuracy(net, test);
            for (var m : measurements.entrySet()) {
                history.addMetric(m.getKey(), m.getValue().applyAsDouble(net));
            }
            NativeMemory.collect();
            history.add(new EpochResult(
                    epoch,
                    loss,
                    trainAcc,
                    testAcc,
                    examples,
                    trainNanos / 1e9,
                    (System.nanoTime() - wallStart) / 1e9,
                    Machine.rssMiB()));
            progress.update(new Progress(epoch, epochs, batches, batches, loss, trainAcc, testAcc, history));
        }
        return history;
    }

    /**
     * One step; a failure on the short last batch of an epoch (batch norm cannot train on one
     * example) is explained with the left-over examples and the choice of what to do with them.
     */
    private Classifier.StepResult trainStep(Classifier net, Batch batch, int trainSize, int epoch) {
        try {
            return net.trainStep(batch);
        } catch (IllegalArgumentException e) {
            if (batch.size() >= batchSize || e instanceof bnlab.nn.DivergenceException) {
                throw e;
            }
            throw new IllegalArgumentException(
                    "the last batch of epoch " + epoch + " holds the " + batch.size()
                            + " example" + (batch.size() == 1 ? "" : "s") + " left over (" + trainSize
                            + " training examples = "
                            + trainSize / batchSize + " batches of " + batchSize + " + " + trainSize % batchSize
                            + ") and "
                            + net.name() + " cannot train on " + (batch.size() == 1 ? "it" : "them") + ": "
                            + e.getMessage()
                            + "\nChoose what happens to the left-over examples, as PyTorch's DataLoader(drop_last=...) lets "
                            + "one: trainer.lastBatch(LastBatch.DROP) leaves them out of each epoch, "
                            + "trainer.lastBatch(LastBatch.MERGE) adds them to the batch before; or pick a batch size that "
                            + "leaves at least 2.",
                    e);
        }
    }

    private static void requireExamples(String which, ImageDataset data) {
        if (data.size() == 0) {
            throw new IllegalArgumentException("the " + which + " set is empty (0 images), so its loss and accuracy "
                    + "would be 0/0 (NaN): pass a data set with at least one image, and check how this one was made "
                    + "(e.g. take(0), or a filter that kept nothing)");
        }
    }

    /** Accuracy of {@code net} on {@code data} in inference mode, in batches of the batch size. */
    public double accuracy(Classifier net, ImageDataset data) {
        requireExamples("evaluation", data);
        long correct = 0;
        for (Batch batch : data.batches(batchSize)) {
            correct += net.countCorrect(batch);
            free(batch);
        }
        return (double) correct / data.size();
    }

    /** The seed that shuffles epoch {@code epoch} (1-based): {@code seed + epoch - 1}. */
    public long epochSeed(int epoch) {
        return seed + epoch - 1;
    }

    private static void check(Classifier.StepResult step, Batch batch, Classifier net) {
        if (step.examples() != batch.size()) {
            throw new IllegalStateException(
                    net.name() + " reported " + step.examples() + " examples for a batch of " + batch.size());
        }
    }

    private static void free(Batch batch) {
        INDArray x = batch.x();
        if (x.closeable()) x.close();
    }

    @Override
    public String toString() {
        return "Trainer(batch size " + batchSize + ", seed " + seed + ")";
    }
}
