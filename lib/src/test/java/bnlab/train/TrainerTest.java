package bnlab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnlab.data.Batch;
import bnlab.data.IdxImages;
import bnlab.data.ImageDataset;
import bnlab.data.LastBatch;
import bnlab.nn.BatchNorm;
import bnlab.nn.Flatten;
import bnlab.nn.Init;
import bnlab.nn.Linear;
import bnlab.nn.Sequential;
import bnlab.nn.Sigmoid;
import bnlab.viz.Charts;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import tech.tablesaw.api.Table;

/**
 * The trainer's loop, measurements and formats, with a stand-in classifier whose answers are
 * known in advance: loss 1/step, "correct" = labels below 5 in training and even labels in
 * inference.
 */
class TrainerTest {

    static final int N = 100;
    static final int BATCH = 10;
    static final ImageDataset TRAIN = dataset(N, 1);
    static final ImageDataset TEST = dataset(40, 2);

    /** Records what it was given; its results follow from the labels alone. */
    static final class Stub implements Classifier {
        final List<int[]> seen = new ArrayList<>();
        INDArray previous;
        boolean previousWasFreed = true;
        int steps;

        @Override
        public StepResult trainStep(Batch batch) {
            if (previous != null) previousWasFreed &= previous.wasClosed();
            previous = batch.x();
            seen.add(batch.y().clone());
            steps++;
            int correct = (int) Arrays.stream(batch.y()).filter(y -> y < 5).count();
            return new StepResult(batch.size() / (double) steps, correct, batch.size());
        }

        @Override
        public int countCorrect(Batch batch) {
            return (int) Arrays.stream(batch.y()).filter(y -> y % 2 == 0).count();
        }

        @Override
        public String name() {
            return "stub";
        }
    }

    @Test
    void oneRowPerEpochWithTheStepsMeans() {
        Stub net = new Stub();
        History h = new Trainer(BATCH, 5).fit(net, TRAIN, TEST, 3, ProgressListener.none());
        assertEquals(3, h.epochs().size());
        assertEquals(30, net.steps);
        long below5 = Arrays.stream(labels(TRAIN)).filter(y -> y < 5).count();
        long even = Arrays.stream(labels(TEST)).filter(y -> y % 2 == 0).count();
        for (EpochResult e : h.epochs()) {
            int first = (e.epoch() - 1) * 10 + 1;
            double meanLoss = 0;
            for (int s = first; s < first + 10; s++) meanLoss += BATCH / (double) s;
            assertEquals(meanLoss / N, e.loss(), 1e-12, "epoch " + e.epoch());
            assertEquals(below5 / (double) N, e.trainAcc(), 1e-12);
            assertEquals(even / 40.0, e.testAcc(), 1e-12);
            assertEquals(N, e.examples());
            assertTrue(e.trainSeconds() > 0 && e.trainSeconds() <= e.wallSeconds(), e.toString());
        }
        assertEquals(h.last(), h.epochs().get(2));
        assertTrue(net.previousWasFreed, "the trainer frees each batch after its step");
    }

    @Test
    void sameSeedSameOrderNewOrderEachEpoch() {
        Stub a = new Stub();
        Stub b = new Stub();
        Stub c = new Stub();
        new Trainer(BATCH, 5).fit(a, TRAIN, TEST, 2, ProgressListener.none());
        new Trainer(BATCH, 5).fit(b, TRAIN, TEST, 2, ProgressListener.none());
        new Trainer(BATCH, 6).fit(c, TRAIN, TEST, 2, ProgressListener.none());
        assertTrue(sameBatches(a.seen, b.seen), "same seed, same batches");
        assertFalse(sameBatches(a.seen, c.seen), "another seed, another order");
        assertFalse(sameBatches(a.seen.subList(0, 10), a.seen.subList(10, 20)), "each epoch reshuffles");
        // epoch e is the data set's own shuffle with seed + e - 1
        List<int[]> epoch2 = new ArrayList<>();
        TRAIN.batches(BATCH, 5 + 1).forEach(batch -> epoch2.add(batch.y()));
        assertTrue(sameBatches(a.seen.subList(10, 20), epoch2));
        assertEquals(6, new Trainer(BATCH, 5).epochSeed(2));
    }

    @Test
    void resultLinesLikeD2l() {
        History h = new Trainer(BATCH, 5).fit(new Stub(), TRAIN, TEST, 2, ProgressListener.none());
        assertTrue(
                h.resultLine().matches("loss \\d+\\.\\d{3}, train acc \\d\\.\\d{3}, test acc \\d\\.\\d{3}"),
                h.resultLine());
        assertTrue(h.speedLine().matches("\\d+\\.\\d examples/sec on .+, \\d+ threads?"), h.speedLine());
        assertEquals(h.resultLine() + "\n" + h.speedLine(), h.toString());
        assertEquals(
                String.format(
                        java.util.Locale.ROOT,
                        "loss %.3f, train acc %.3f, test acc %.3f",
                        h.last().loss(),
                        h.last().trainAcc(),
                        h.last().testAcc()),
                h.resultLine());
        long examples = 2L * N;
        assertEquals(examples / h.trainSeconds(), h.examplesPerSecond(), 1e-9);
    }

    @Test
    void savedHistoryReadsBackExactly(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        History h = new Trainer(BATCH, 5).fit(new Stub(), TRAIN, TEST, 2, ProgressListener.none());
        java.nio.file.Path file = h.save(dir.resolve("runs/h.csv"));
        History back = History.load(file);
        assertEquals(h.epochs(), back.epochs());
        assertEquals(h.toString(), back.toString());
        assertEquals(h.network(), back.network());
        assertEquals(History.compare(h).print(), History.compare(back).print());
        org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class,
                () -> History.load(java.nio.file.Files.writeString(dir.resolve("bad.csv"), "not a history\n")));
    }

    @Test
    void tableAndFigure() {
        History h = new Trainer(BATCH, 5).fit(new Stub(), TRAIN, TEST, 2, ProgressListener.none());
        Table t = h.table();
        assertEquals(
                List.of("epoch", "loss", "train acc", "test acc", "examples/sec", "train s", "wall s", "RSS MiB"),
                t.columnNames());
        assertEquals(2, t.rowCount());
        assertEquals("stub", t.name());
        String trainAcc = String.format(java.util.Locale.ROOT, "%.3f", h.last().trainAcc());
        assertTrue(t.print().contains(trainAcc), t.print());
        assertTrue(h.html().startsWith("<table"), h.html());

        Table both = History.compare(h, h);
        assertEquals(2, both.rowCount());
        assertEquals("network", both.columnNames().get(0));

        // 5 points per epoch (4 inside, 1 at the end) and one test point per epoch
        assertEquals(10, h.points().size());
        assertEquals(0.2, h.points().get(0).epoch(), 1e-12);
        assertEquals(2.0, h.points().get(9).epoch(), 1e-12);
        BufferedImage fig = h.figure();
        assertEquals(Charts.WIDTH, fig.getWidth());
        assertTrue(fig.getHeight() > Charts.HEIGHT, "the plot keeps its height; the legend below adds to it");
        assertEquals(3, TrainingChart.chart(h).getSeriesMap().size());
        assertEquals(Charts.WIDTH, TrainingChart.empty("stub", 10).getWidth());
    }

    @Test
    void progressFewTimesPerEpochThenAtItsEnd() {
        List<Progress> calls = new ArrayList<>();
        History h = new Trainer(BATCH, 5).fit(new Stub(), TRAIN, TEST, 2, calls::add);
        // 10 batches, 5 updates per epoch: after batches 2, 4, 6, 8, and at the end (with test acc)
        assertEquals(10, calls.size());
        assertEquals(
                List.of(2, 4, 6, 8, 10),
                calls.subList(0, 5).stream().map(Progress::batch).toList());
        assertFalse(calls.get(3).isEpochEnd());
        assertTrue(Double.isNaN(calls.get(3).testAcc()));
        assertTrue(calls.get(4).isEpochEnd() && !calls.get(4).isLast());
        assertTrue(calls.get(9).isLast());
        assertEquals(h.last().testAcc(), calls.get(9).testAcc());
        assertEquals(h, calls.get(0).history());
        assertTrue(
                calls.get(4).toString().startsWith("epoch 1/2, batch 10/10: loss"),
                calls.get(4).toString());
        assertEquals(Charts.WIDTH, calls.get(2).figure().getWidth());

        int[] every = {0};
        ProgressListener perBatch = new ProgressListener() {
            @Override
            public void update(Progress p) {
                every[0]++;
            }

            @Override
            public int updatesPerEpoch() {
                return Integer.MAX_VALUE;
            }
        };
        new Trainer(BATCH, 5).fit(new Stub(), TRAIN, TEST, 1, perBatch);
        assertEquals(10, every[0], "9 batches inside the epoch + its end");
    }

    @Test
    void terminalProgressBarRuns() {
        History h = new Trainer(BATCH, 5).fit(new Stub(), TRAIN, TEST, 2, ProgressListener.terminal());
        assertEquals(2, h.epochs().size());
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new Trainer(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new Trainer()
                .fit(new Stub(), TRAIN, TEST, 0, ProgressListener.none()));
        assertThrows(IllegalStateException.class, () -> new History("x", "cpu", 1).last());
        assertNotEquals("", new Trainer().toString());
    }

    static boolean sameBatches(List<int[]> a, List<int[]> b) {
        if (a.size() != b.size()) return false;
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) return false;
        }
        return true;
    }

    static int[] labels(ImageDataset d) {
        int[] y = new int[d.size()];
        for (int i = 0; i < y.length; i++) y[i] = d.label(i);
        return y;
    }

    /** A network with batch norm after a linear layer: it cannot train on a batch of one example. */
    private static ScratchClassifier withBatchNorm() {
        return new ScratchClassifier(
                "BN",
                new Sequential(
                        new Flatten(),
                        new Linear(784, 8, true, Init.seeded(1)),
                        new BatchNorm(8, 2),
                        new Sigmoid(),
                        new Linear(8, 10, true, Init.seeded(2))),
                0.1);
    }

    @Test
    void aLastBatchOfOneExampleIsExplainedWithWhatToDoWithIt() {
        ImageDataset train = dataset(21, 3);
        String msg = assertThrows(IllegalArgumentException.class, () -> new Trainer(BATCH, 5)
                        .fit(withBatchNorm(), train, TEST, 1, ProgressListener.none()))
                .getMessage();
        assertTrue(
                msg.startsWith("the last batch of epoch 1 holds the 1 example left over (21 training examples = 2 "
                        + "batches of 10 + 1) and BN cannot train on it: "),
                msg);
        assertTrue(msg.contains("more than one value per channel"), msg);
        assertTrue(
                msg.contains("DataLoader(drop_last=...)")
                        && msg.contains("trainer.lastBatch(LastBatch.DROP)")
                        && msg.contains("trainer.lastBatch(LastBatch.MERGE)"),
                msg);
        for (LastBatch last : new LastBatch[] {LastBatch.DROP, LastBatch.MERGE}) {
            History h =
                    new Trainer(BATCH, 5).lastBatch(last).fit(withBatchNorm(), train, TEST, 1, ProgressListener.none());
            assertEquals(last == LastBatch.DROP ? 20 : 21, h.epochs().get(0).examples(), last.name());
            Stub stub = new Stub();
            new Trainer(BATCH, 5).lastBatch(last).fit(stub, train, TEST, 1, ProgressListener.none());
            assertEquals(
                    last == LastBatch.DROP ? List.of(10, 10) : List.of(10, 11),
                    stub.seen.stream().map(y -> y.length).toList(),
                    last.name());
        }
    }

    @Test
    void anEmptyDataSetIsRefusedInsteadOfGivingNaN() {
        ImageDataset empty = TRAIN.take(0);
        String msg = assertThrows(IllegalArgumentException.class, () -> new Trainer(BATCH, 5)
                        .fit(new Stub(), empty, TEST, 1, ProgressListener.none()))
                .getMessage();
        assertTrue(
                msg.contains("the training set is empty (0 images)")
                        && msg.contains("0/0 (NaN)")
                        && msg.contains("at least one image"),
                msg);
        assertThrows(IllegalArgumentException.class, () -> new Trainer(BATCH, 5)
                .fit(new Stub(), TRAIN, empty, 1, ProgressListener.none()));
        String drop = assertThrows(IllegalArgumentException.class, () -> new Trainer(BATCH, 5)
                        .lastBatch(LastBatch.DROP)
                        .fit(new Stub(), TRAIN.take(7), TEST, 1, ProgressListener.none()))
                .getMessage();
        assertTrue(
                drop.contains("fewer than one batch of 10") && drop.contains("LastBatch.DROP leaves them all out"),
                drop);
    }

    static ImageDataset dataset(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] pixels = new byte[n * 28 * 28];
        for (int i = 0; i < pixels.length; i++) pixels[i] = (byte) r.nextInt(256);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = r.nextInt(10);
        return new ImageDataset(new IdxImages(n, 28, 28, pixels), labels);
    }
}
