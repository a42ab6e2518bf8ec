package bnlab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnlab.data.FashionMnist;
import bnlab.dl4j.Dl4jLeNet;
import bnlab.nn.BatchNorm;
import bnlab.nn.Dropout;
import bnlab.nn.Flatten;
import bnlab.nn.Init;
import bnlab.nn.LeNet;
import bnlab.nn.Linear;
import bnlab.nn.Parameter;
import bnlab.nn.Sequential;
import bnlab.nn.Sigmoid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run cache: a loaded run is the trained one, number for number and weight for weight; any
 * change to what defines a run misses; what the cache cannot fingerprint (a module written outside
 * the library, a lambda) always trains; a cache that cannot be written or read never fails a run.
 */
class RunCacheTest {

    private static FashionMnist data;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() {
        data = FashionMnist.load(512, 256);
    }

    /** A small network of library modules: seconds to train on 512 images. */
    private static Sequential mlp(long seed, double momentum) {
        Init init = Init.seeded(seed);
        return new Sequential(
                new Flatten(),
                new Linear(784, 32, true, init),
                new BatchNorm(32, 2, 1e-5, momentum, org.nd4j.linalg.api.buffer.DataType.FLOAT),
                new Sigmoid(),
                new Dropout(0.2, init),
                new Linear(32, 10, true, init));
    }

    private static ScratchClassifier classifier(long seed, double lr) {
        return new ScratchClassifier("mlp", mlp(seed, 0.9), lr);
    }

    private History fit(Classifier net, RunCache cache, int epochs) {
        return new Trainer(128, 7).cache(cache).fit(net, data.train(), data.test(), epochs, ProgressListener.none());
    }

    private long entries() throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".run.gz")).count();
        }
    }

    @Test
    void aLoadedRunIsTheTrainedRunNumberForNumberAndWeightForWeight() throws IOException {
        RunCache cache = RunCache.in(dir);
        ScratchClassifier first = classifier(1, 0.5);
        History trained = fit(first, cache, 2);
        assertEquals(1, entries(), "the trained run is stored");

        ScratchClassifier second = classifier(1, 0.5);
        History loaded = fit(second, cache, 2);
        assertEquals(trained.epochs(), loaded.epochs(), "every figure of every epoch, timings included");
        assertEquals(trained.points(), loaded.points());
        assertEquals(trained.network(), loaded.network());
        assertEquals(trained.device(), loaded.device());
        for (int i = 0; i < first.net().parameters().size(); i++) {
            Parameter a = first.net().parameters().get(i);
            Parameter b = second.net().parameters().get(i);
            assertEquals(a.value(), b.value(), "trained weights restored: " + a.name());
        }
        BatchNorm bnA = (BatchNorm) ((Sequential) first.net()).get(2);
        BatchNorm bnB = (BatchNorm) ((Sequential) second.net()).get(2);
        assertEquals(bnA.movingMean(), bnB.movingMean(), "moving statistics restored");
        assertEquals(bnA.movingVar(), bnB.movingVar());

        // the same run trained again without the cache: the same numbers (the loss and accuracies
        // are a function of the run's definition; only the clock differs)
        History fresh = fit(classifier(1, 0.5), RunCache.off(), 2);
        for (int e = 0; e < 2; e++) {
            assertEquals(fresh.epochs().get(e).loss(), loaded.epochs().get(e).loss(), 0.0);
            assertEquals(
                    fresh.epochs().get(e).trainAcc(), loaded.epochs().get(e).trainAcc(), 0.0);
            assertEquals(fresh.epochs().get(e).testAcc(), loaded.epochs().get(e).testAcc(), 0.0);
        }

        // and the restored network goes on exactly as the trained one (weights, moving statistics
        // and the dropout's random generator all restored)
        History goOnTrained = fit(first, RunCache.off(), 1);
        History goOnLoaded = fit(second, RunCache.off(), 1);
        assertEquals(goOnTrained.last().loss(), goOnLoaded.last().loss(), 0.0);
        assertEquals(goOnTrained.last().testAcc(), goOnLoaded.last().testAcc(), 0.0);
    }

    @Test
    void aChangedDefinitionMisses() {
        RunKey base = key(seed -> classifier(seed, 0.5), 1, 2, data);
        assertTrue(base.cacheable(), base::reason);
        assertEquals(
                base.hash(),
                key(seed -> classifier(seed, 0.5), 1, 2, data).hash(),
                "the same definition, the same key");
        assertNotEquals(
                base.hash(), key(seed -> classifier(seed, 0.5), 2, 2, data).hash(), "seed");
        assertNotEquals(
                base.hash(), key(seed -> classifier(seed, 0.3), 1, 2, data).hash(), "learning rate");
        assertNotEquals(
                base.hash(), key(seed -> classifier(seed, 0.5), 1, 3, data).hash(), "epochs");
        assertNotEquals(
                base.hash(),
                key(seed -> new ScratchClassifier("mlp", mlp(seed, 0.99), 0.5), 1, 2, data)
                        .hash(),
                "a layer option (the batch norm's momentum)");
        FashionMnist less = FashionMnist.load(511, 256);
        assertNotEquals(
                base.hash(), key(seed -> classifier(seed, 0.5), 1, 2, less).hash(), "the data slice");
        RunKey otherBuild = new RunKey.Builder("another library build")
                .add("network", classifier(1, 0.5))
                .add("epochs", 2)
                .threads(1)
                .build();
        RunKey thisBuild = new RunKey.Builder(LibraryBuild.hash())
                .add("network", classifier(1, 0.5))
                .add("epochs", 2)
                .threads(1)
                .build();
        assertNotEquals(thisBuild.hash(), otherBuild.hash(), "the library build");
    }

    @Test
    void theLibraryBuildIsAHashOfItsClassFiles(@TempDir Path copy) throws IOException {
        Path some = copy.resolve("bnlab/train/Some.class");
        Files.createDirectories(some.getParent());
        try (var in = RunKey.class.getResourceAsStream("RunKey.class")) {
            Files.write(some, in.readAllBytes());
        }
        String before = LibraryBuild.hashOf(copy);
        assertEquals(before, LibraryBuild.hashOf(copy));
        byte[] b = Files.readAllBytes(some);
        b[b.length - 1] ^= 1;
        Files.write(some, b);
        assertNotEquals(before, LibraryBuild.hashOf(copy), "one changed byte in one class file");
    }

    private static RunKey key(LongFunction<Classifier> build, long seed, int epochs, FashionMnist d) {
        return RunKey.builder()
                .add("network", build.apply(seed))
                .add("training data", d.train())
                .add("test data", d.test())
                .add("epochs", epochs)
                .add("seed", seed)
                .threads(1)
                .build();
    }

    @Test
    void aNetworkWithAModuleFromOutsideTheLibraryIsNeverLoaded() throws IOException {
        RunCache cache = RunCache.in(dir);
        LongFunction<ScratchClassifier> build = seed -> {
            Init init = Init.seeded(seed);
            return new ScratchClassifier(
                    "with my module", new Sequential(new Flatten(), new Linear(784, 10, true, init), new Halve()), 0.5);
        };
        RunKey k = RunKey.builder().add("network", build.apply(1)).threads(1).build();
        assertFalse(k.cacheable());
        assertTrue(k.reason().contains(Halve.class.getName()), k.reason());
        fit(build.apply(1), cache, 1);
        fit(build.apply(1), cache, 1);
        assertEquals(0, entries(), "nothing stored, so nothing can be loaded");

        Trainer measured = new Trainer(128, 7).cache(cache).measureEachEpoch("one", c -> 1.0);
        measured.fit(classifier(1, 0.5), data.train(), data.test(), 1, ProgressListener.none());
        assertEquals(0, entries(), "a lambda measurement: its code cannot be fingerprinted either");
    }

    @Test
    void aDl4jNetworkIsCachedByItsConfigurationAndParameters() throws IOException {
        RunCache cache = RunCache.in(dir);
        var small = FashionMnist.load(256, 256);
        var first = Dl4jLeNet.create(3);
        History trained =
                new Trainer(128, 7).cache(cache).fit(first, small.train(), small.test(), 1, ProgressListener.none());
        assertEquals(1, entries());
        var second = Dl4jLeNet.create(3);
        History loaded =
                new Trainer(128, 7).cache(cache).fit(second, small.train(), small.test(), 1, ProgressListener.none());
        assertEquals(trained.epochs(), loaded.epochs());
        assertEquals(
                first.network().params(),
                second.network().params(),
                "DL4J's parameters and moving statistics restored");
        RunKey other =
                RunKey.builder().add("network", Dl4jLeNet.create(4)).threads(1).build();
        assertNotEquals(
                RunKey.builder()
                        .add("network", Dl4jLeNet.create(3))
                        .threads(1)
                        .build()
                        .hash(),
                other.hash());
    }

    @Test
    void aCacheThatCannotBeWrittenOrReadNeverFailsARun() throws IOException {
        Path notAFolder = Files.writeString(dir.resolve("file"), "x");
        History h = fit(classifier(1, 0.5), RunCache.in(notAFolder), 1);
        assertEquals(1, h.epochs().size(), "the run trained although nothing could be saved");

        Path missing = dir.resolve("missing");
        Path teacher = dir.resolve("teacher");
        RunCache teacherCache = RunCache.in(teacher);
        History taught = fit(classifier(2, 0.5), teacherCache, 1);
        Path student = dir.resolve("student");
        RunCache studentCache = RunCache.in(student, missing, teacher);
        History read = fit(classifier(2, 0.5), studentCache, 1);
        assertEquals(taught.epochs(), read.epochs(), "loaded from the shared, read-only folder");
        assertFalse(Files.exists(student.resolve("runs")), "a loaded run is not copied");
        fit(classifier(3, 0.5), studentCache, 1);
        try (Stream<Path> s = Files.walk(student)) {
            assertEquals(
                    1, s.filter(p -> p.toString().endsWith(".run.gz")).count(), "a new run goes to the private folder");
        }
        try (Stream<Path> s = Files.walk(teacher)) {
            assertEquals(
                    1, s.filter(p -> p.toString().endsWith(".run.gz")).count(), "the shared folder is never written");
        }
    }

    @Test
    void aTruncatedEntryIsAMissAndNoTemporaryFileIsLeft() throws IOException {
        RunCache cache = RunCache.in(dir);
        History trained = fit(classifier(1, 0.5), cache, 1);
        Path entry;
        try (Stream<Path> s = Files.walk(dir)) {
            List<Path> files = s.filter(Files::isRegularFile).toList();
            assertEquals(1, files.size(), "one entry and no temporary file: " + files);
            entry = files.get(0);
        }
        byte[] whole = Files.readAllBytes(entry);
        Files.write(entry, java.util.Arrays.copyOf(whole, whole.length / 2));
        History again = fit(classifier(1, 0.5), cache, 1);
        assertEquals(trained.last().loss(), again.last().loss(), 0.0, "trained again, to the same numbers");
        assertNotEquals(trained.last().wallSeconds(), again.last().wallSeconds(), "trained, not loaded");
        History third = fit(classifier(1, 0.5), cache, 1);
        assertEquals(again.epochs(), third.epochs(), "the entry was written again, whole, and loads");
    }

    @Test
    void offMeansNothingIsReadOrWritten() throws IOException {
        RunCache off = RunCache.fromSettings(
                java.util.Map.of("BNLAB_CACHE", "off", "BNLAB_CACHE_DIR", dir.toString()), new java.util.Properties());
        assertFalse(off.enabled());
        fit(classifier(1, 0.5), off, 1);
        assertEquals(0, entries());
        RunCache on =
                RunCache.fromSettings(java.util.Map.of("BNLAB_CACHE_DIR", dir.toString()), new java.util.Properties());
        assertEquals(dir.resolve("runs"), on.folder());
    }

    @Test
    void aLeNetFromTheBuilderIsCacheable() {
        RunKey k = RunKey.builder()
                .add(
                        "network",
                        new ScratchClassifier(
                                "LeNet",
                                LeNet.builder()
                                        .dropout(0.5)
                                        .build(Init.seeded(1).xavier()),
                                1.0))
                .threads(1)
                .build();
        assertTrue(k.cacheable(), k::reason);
    }
}
