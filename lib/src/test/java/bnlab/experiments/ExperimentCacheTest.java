package bnlab.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnlab.data.Batch;
import bnlab.data.FashionMnist;
import bnlab.nn.Flatten;
import bnlab.nn.Init;
import bnlab.nn.Layer;
import bnlab.nn.LeNet;
import bnlab.nn.Linear;
import bnlab.nn.Sequential;
import bnlab.train.EpochResult;
import bnlab.train.Halve;
import bnlab.train.RunCache;
import bnlab.train.ScratchClassifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Experiments on the run cache: a second run of the same experiment loads every run and
 * reproduces every number (histories, watched sigmoids, trained networks); the CSV file holds
 * every run whether trained or loaded; a network shared between runs is refused.
 */
class ExperimentCacheTest {

    private static FashionMnist data;

    @TempDir
    Path dir;

    private RunCache before;

    @BeforeAll
    static void load() {
        data = FashionMnist.load(512, 256);
    }

    @BeforeEach
    void useTemporaryCache() {
        before = RunCache.setCurrent(RunCache.in(dir));
    }

    @AfterEach
    void restore() {
        RunCache.setCurrent(before);
    }

    private Experiment experiment() {
        return Experiment.on(data)
                .named("cache-test")
                .epochs(2)
                .seeds(1, 2)
                .keepNetworks()
                .watchSigmoids(0)
                .arm("BN", LeNet.builder(), 1.0)
                .arm("no BN", "plain", 0.5, LeNet.builder().noBatchNorm().dropout(0.3), 0.5)
                .measure("test acc, batch statistics", Evaluations.withBatchStatistics(data.test()));
    }

    @Test
    void aSecondRunLoadsEveryRunAndReproducesEveryNumber() throws IOException {
        Results trained = experiment().run();
        assertEquals(4, trained.trained());
        assertEquals(0, trained.loaded());
        Path csv = trained.csvFile();
        String first = Files.readString(csv);

        Results loaded = experiment().run();
        assertEquals(0, loaded.trained(), "every run of the same definition is loaded");
        assertEquals(4, loaded.loaded());
        assertTrue(
                loaded.budgetLine()
                        .startsWith(
                                "cache-test: trained 0 runs, loaded 4 from the run cache; each run "
                                        + "2 epochs × 2 steps = 4 steps of batch 256 on 512 training images (tested on 256); saved to "),
                loaded.budgetLine());
        for (int i = 0; i < 4; i++) {
            Run a = trained.runs().get(i);
            Run b = loaded.runs().get(i);
            assertEquals(a.history().epochs(), b.history().epochs(), "every figure of every epoch");
            assertEquals(a.history().points(), b.history().points());
            assertArrayEquals(
                    a.history().metric("test acc, batch statistics"),
                    b.history().metric("test acc, batch statistics"));
            assertEquals(a.watch().steps(0), b.watch().steps(0), "every watched step");
            assertEquals(a.learningRate(), b.learningRate());
        }
        var measure = Evaluations.withMovingStatistics(data.test());
        assertArrayEquals(
                trained.measured("BN", measure),
                loaded.measured("BN", measure),
                "the kept networks are the trained ones");
        assertEquals(first, Files.readString(csv), "the CSV file is the same whether the runs were trained or loaded");
    }

    /**
     * Notebook 6's dropout experiment: the dropout arms of a second run load like the others, in
     * a JVM started without {@code --add-opens java.base/java.util} (the tests' JVM, as a student's
     * IDE or an old kernel starts one). The kept networks are the trained ones, in inference mode
     * and in training mode too: the next masks they draw are the same, so a later cell that trains
     * on sees the same numbers whether the run was trained or loaded.
     */
    @Test
    void dropoutArmsWithKeptNetworksLoadTheSecondTime() {
        assertFalse(
                Object.class.getModule().isOpen("java.util", getClass().getModule()),
                "the tests run without --add-opens java.base/java.util, as a student's JVM may (lib/pom.xml)");
        Supplier<Experiment> dropout = () -> Experiment.on(data)
                .named("dropout-cache-test")
                .epochs(2)
                .seeds(1, 2)
                .xavierInit()
                .keepNetworks()
                .arm("batch norm", LeNet.builder(), 1.0)
                .arm("batch norm + dropout", LeNet.builder().dropout(0.5), 1.0)
                .arm("dropout only", LeNet.builder().noBatchNorm().dropout(0.5), 1.0);
        Results trained = dropout.get().run();
        assertEquals(6, trained.trained());
        Results loaded = dropout.get().run();
        assertEquals(0, loaded.trained(), "every run loads, the dropout arms too");
        assertEquals(6, loaded.loaded());
        INDArray x = data.test().batches(64).iterator().next().x();
        for (int i = 0; i < 6; i++) {
            Run a = trained.runs().get(i);
            Run b = loaded.runs().get(i);
            String run = a.arm().name() + ", seed " + a.seed();
            assertEquals(a.history().epochs(), b.history().epochs(), run + ": every figure of every epoch");
            assertEquals(a.history().points(), b.history().points(), run);
            Layer netA = ((ScratchClassifier) a.network()).net();
            Layer netB = ((ScratchClassifier) b.network()).net();
            for (boolean training : new boolean[] {false, true}) { // inference first: it draws no mask
                netA.setTraining(training);
                netB.setTraining(training);
                assertArrayEquals(
                        netA.forward(x).ravel().toFloatVector(),
                        netB.forward(x).ravel().toFloatVector(),
                        run
                                + (training
                                        ? ": training-mode outputs, with the next dropout masks"
                                        : ": inference outputs"));
            }
        }
    }

    /**
     * A measured run is the same run unmeasured: the watch and the library's measurements (Precise
     * BN, batch and moving statistics, the loss-landscape probe) leave weights and moving
     * statistics as they found them. So the run cache keeps it as unmeasured too, and an
     * experiment that trains the same runs without measuring loads them, with the numbers an
     * unmeasured training gives (notebook 8's learning-rate check reuses its measured runs so).
     * Not with dropout: the measurements' passes in training mode draw masks, and the measured
     * run differs from the unmeasured one (checked: it does), so those runs train again.
     */
    @Test
    void aMeasuredRunLoadsForAnExperimentThatDoesNotMeasureWithTheUnmeasuredNumbers() {
        Batch probe = data.train().batches(256, 1).iterator().next();
        // the arms' names differ between the two experiments, as in notebook 8: a name is not a run
        java.util.function.Function<String, Experiment> plain = prefix -> Experiment.on(data)
                .named("unmeasured")
                .epochs(2)
                .seeds(1, 2)
                .xavierInit()
                .arm(prefix + "BN", LeNet.builder(), 1.0)
                .arm(prefix + "dropout", LeNet.builder().noBatchNorm().dropout(0.3), 0.5);
        RunCache.setCurrent(RunCache.off());
        Results reference = plain.apply("").run();
        RunCache.setCurrent(RunCache.in(dir));
        Results measured = plain.apply("measured ")
                .watchSigmoids(0)
                .measure("precise", Evaluations.afterPreciseBn(data.train(), 2, data.test()))
                .measure("batch statistics", Evaluations.withBatchStatistics(data.test()))
                .measure("moving statistics", Evaluations.withMovingStatistics(data.test()))
                .measureAll(LossLandscape.NAMES, LossLandscape.measurements(probe, 0.5, 1))
                .run();
        assertEquals(4, measured.trained());
        Results loaded = plain.apply("").run();
        assertEquals(2, loaded.trained(), "the dropout runs train again");
        assertEquals(2, loaded.loaded(), "the batch-norm runs were trained, measured, by the experiment before");
        for (int i = 0; i < 4; i++) {
            Run a = reference.runs().get(i);
            Run b = loaded.runs().get(i);
            String run = a.arm().name() + ", seed " + a.seed();
            assertEquals(a.arm().name().equals("BN"), b.loaded(), run);
            assertEquals(a.history().network(), b.history().network(), run + ": the history names its own arm");
            assertEquals(List.of(), b.history().metricNames(), run + ": no measurement it did not ask for");
            assertEquals(a.history().points(), b.history().points(), run + ": the training curves");
            for (int e = 0; e < 2; e++) {
                EpochResult x = a.history().epochs().get(e);
                EpochResult y = b.history().epochs().get(e);
                assertEquals(
                        List.of(x.loss(), x.trainAcc(), x.testAcc()),
                        List.of(y.loss(), y.trainAcc(), y.testAcc()),
                        run + ", epoch " + (e + 1) + ": loss, train and test accuracy as trained unmeasured");
            }
        }
    }

    /**
     * Notebook 6: a learning-rate sweep keeps its networks, then a measured experiment trains one
     * of its arms again. Its unmeasured copy must not replace the sweep's entry, which holds the
     * trained networks: the sweep, run again, loads every run.
     */
    @Test
    void aMeasuredRunDoesNotReplaceAnEntryThatKeepsTheNetwork() {
        Supplier<Experiment> sweep = () -> Experiment.on(data)
                .named("kept")
                .epochs(1)
                .seeds(1, 2)
                .keepNetworks()
                .arm("BN, lr 1.0", LeNet.builder(), 1.0);
        assertEquals(2, sweep.get().run().trained());
        Results measured = Experiment.on(data)
                .named("measured")
                .epochs(1)
                .seeds(1, 2)
                .arm("BN everywhere", LeNet.builder(), 1.0)
                .measure("batch statistics", Evaluations.withBatchStatistics(data.test()))
                .run();
        assertEquals(2, measured.trained());
        Results again = sweep.get().run();
        assertEquals(0, again.trained(), "the kept networks are still in the cache");
        assertTrue(again.runs().stream().allMatch(r -> r.network() != null));
    }

    /**
     * A run's key takes a scratch classifier's network, loss and learning rate but not its name
     * (Experiment.key): these must be all it holds, or a new setting would be left out of the key
     * and two different runs would share one entry.
     */
    @Test
    void theKeyOfAScratchClassifierCoversEverythingItHolds() {
        assertEquals(List.of("loss", "name", "net", "sgd"), instanceFields(ScratchClassifier.class));
        assertEquals(List.of("learningRate", "parameters"), instanceFields(bnlab.nn.Sgd.class));
    }

    private static List<String> instanceFields(Class<?> c) {
        return java.util.Arrays.stream(c.getDeclaredFields())
                .filter(f -> !java.lang.reflect.Modifier.isStatic(f.getModifiers()))
                .map(java.lang.reflect.Field::getName)
                .sorted()
                .toList();
    }

    @Test
    void theCsvFileHasOneRowPerArmSeedAndEpoch() throws IOException {
        Results r = Experiment.on(data)
                .named("csv-test")
                .epochs(2)
                .seeds(1, 2)
                .arm("no BN", "plain", 0.5, LeNet.builder().noBatchNorm(), 0.5)
                .measure("test acc, batch statistics", Evaluations.withBatchStatistics(data.test()))
                .run();
        List<String> lines = Files.readAllLines(r.csvFile());
        assertEquals(
                "experiment,arm,series,x,network,seed,epoch,step,lr,batch_size,train_images,train_loss,train_acc,"
                        + "test_acc,test_acc_batch_statistics,failure",
                lines.get(0));
        assertEquals(1 + 2 * 2, lines.size());
        String[] row = cells(lines.get(4));
        assertEquals("csv-test", row[0]);
        assertEquals("no BN", row[1]);
        assertEquals("0.5", row[3]);
        assertEquals("LeNet, no BN", row[4]);
        assertEquals("2", row[5], "seed");
        assertEquals("2", row[6], "epoch");
        assertEquals("4", row[7], "steps after 2 epochs of 2 steps");
        assertEquals("0.5", row[8], "learning rate");
        Run run = r.runs("no BN").get(1);
        assertEquals(run.history().last().testAcc(), Double.parseDouble(row[13]), 0.0);
        assertEquals(run.history().metric("test acc, batch statistics")[1], Double.parseDouble(row[14]), 0.0);
        assertEquals("", row[15]);
        assertTrue(
                r.csvFile()
                        .startsWith(Path.of(System.getProperty("bnlab.results.dir", "build/results"))
                                .toAbsolutePath()),
                r.csvFile().toString());
    }

    @Test
    void valuesComputedAfterTrainingJoinTheCsvFileOnTheLastRowOfEachRun() throws IOException {
        Results r = Experiment.on(data)
                .named("csv-after")
                .epochs(2)
                .seeds(1, 2)
                .arm("BN", LeNet.builder(), 1.0)
                .run();
        r.keep("double the seed", run -> 2.0 * run.seed());
        List<String> lines = Files.readAllLines(r.csvFile());
        assertTrue(lines.get(0).endsWith(",double_the_seed,failure"), lines.get(0));
        assertEquals("", cells(lines.get(1))[14], "not on the first epoch's row");
        assertEquals(2.0, Double.parseDouble(cells(lines.get(2))[14]), 0.0, "seed 1, last epoch");
        assertEquals(4.0, Double.parseDouble(cells(lines.get(4))[14]), 0.0, "seed 2, last epoch");
    }

    /** The cells of one CSV line (quoted cells may hold commas and doubled quotes). */
    static String[] cells(String line) {
        List<String> out = new java.util.ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                cell.append('"');
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                out.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        out.add(cell.toString());
        return out.toArray(new String[0]);
    }

    @Test
    void anArmThatSharesOneNetworkBetweenSeedsIsRefused() {
        ScratchClassifier shared =
                new ScratchClassifier("shared", LeNet.builder().build(Init.seeded(1)), 1.0);
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> Experiment.on(data).seeds(1, 2).arm("shared", s -> shared).run());
        assertTrue(
                e.getMessage().contains("shared, seed 1")
                        && e.getMessage().contains("shared, seed 2")
                        && e.getMessage().contains("Build a new network for every seed"),
                e.getMessage());
        Sequential layers = LeNet.builder().build(Init.seeded(1));
        var e2 = assertThrows(IllegalArgumentException.class, () -> Experiment.on(data)
                .seeds(1)
                .arm("a", s -> new ScratchClassifier("a", layers, 1.0))
                .arm("b", s -> new ScratchClassifier("b", layers, 0.5))
                .run());
        assertTrue(e2.getMessage().contains("share"), e2.getMessage());
    }

    @Test
    void runsOfANetworkWithAModuleFromOutsideTheLibraryAlwaysTrain() {
        Experiment e = Experiment.on(data)
                .named("outside")
                .seeds(1)
                .arm(
                        "mine",
                        s -> new ScratchClassifier(
                                "mine",
                                new Sequential(new Flatten(), new Linear(784, 10, true, Init.seeded(s)), new Halve()),
                                0.5));
        var printed = new java.io.ByteArrayOutputStream();
        var out = System.out;
        System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            assertEquals(1, e.run().trained());
        } finally {
            System.setOut(out);
        }
        String said = printed.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(
                said.contains("mine: trained, not kept in the run cache (it always trains): the network holds an "
                        + "object of class bnlab.train.Halve"),
                "the notebook says why its runs always train: " + said);
        Results again = e.run();
        assertEquals(1, again.trained(), "never loaded: its code is not the library's");
        assertEquals(0, again.loaded());
        assertNull(again.runs().get(0).network());
    }
}
