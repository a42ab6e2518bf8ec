package bnlab.data;

import static bnlab.data.IdxReaderTest.assertMentions;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Downloads from a mirror on 127.0.0.1 serving the tiny fixture; never the real mirror. */
// A hung download must fail the build, not block it. A separate thread, because a blocked
// HttpClient read ignores the interrupt of the default timeout mode.
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DownloadTest {

    private static final Duration SHORT = Duration.ofSeconds(2);
    private static final Duration STALL = Duration.ofMillis(300);

    private final IdxFixture fixture = new IdxFixture();
    private final Downloader downloader = new Downloader(SHORT, SHORT, STALL);
    private TestMirror mirror;

    @TempDir
    Path tmp;

    @BeforeEach
    void startMirror() throws IOException {
        mirror = new TestMirror();
        fixture.gz.forEach((spec, bytes) -> mirror.files.put(spec.gzName(), bytes));
    }

    @AfterEach
    void stopMirror() {
        mirror.close();
    }

    private FashionMnistLocator locator(Path cache) {
        return new FashionMnistLocator(
                new LocatorConfig(null, cache, tmp.resolve("no-system-dir"), mirror.url()), fixture.files, downloader);
    }

    @Test
    void downloadsAllFourIntoTheCacheAtomicallyAndLoadsThem() {
        Path cache = tmp.resolve("cache");
        DataFile labels = fixture.files.testLabels();
        List<String> seenDuringTransfer = new CopyOnWriteArrayList<>();
        mirror.beforeBody = () -> seenDuringTransfer.addAll(names(cache));

        FashionMnist data = FashionMnist.load(locator(cache), 100, 100);

        assertEquals(4, mirror.requests.size(), "one request per file: " + mirror.requests);
        assertEquals(IdxFixture.TRAIN, data.train().size());
        assertEquals(IdxFixture.TEST, data.test().size());
        assertEquals(IdxFixture.label(7, 2), data.test().label(2));
        assertTrue(data.source().contains("downloaded from " + mirror.url()), data.source());
        for (DataFile spec : fixture.files.all()) {
            assertArrayEquals(fixture.gz.get(spec), read(cache.resolve(spec.gzName())), spec.name());
        }
        assertEquals(4, names(cache).size(), "no leftover temporary files: " + names(cache));
        // While a body streamed in, only a .part file existed, never the final name.
        assertTrue(
                seenDuringTransfer.stream().anyMatch(n -> n.startsWith(labels.gzName() + ".part-")),
                seenDuringTransfer.toString());
        assertFalse(seenDuringTransfer.contains(labels.gzName()), seenDuringTransfer.toString());
    }

    @Test
    void checksumMismatchLeavesNoFileBehind() {
        DataFile good = fixture.files.trainLabels();
        DataFile wrongMd5 = new DataFile(
                good.name(), good.kind(), good.count(), "0123456789abcdef0123456789abcdef", good.sha256(), good.size());
        Path cache = tmp.resolve("cache");

        var e = assertThrows(DataFileException.class, () -> downloader.download(mirror.url(), wrongMd5, cache));

        String message = e.getMessage();
        assertTrue(message.contains(Downloader.urlOf(mirror.url(), good).toString()), message);
        assertTrue(message.contains("expected MD5 0123456789abcdef0123456789abcdef, got " + good.gzMd5()), message);
        assertEquals(List.of(), names(cache), "neither the final file nor a temporary one");
    }

    @Test
    void notFoundOnTheMirrorListsEverythingTried() {
        mirror.files.clear();
        Path cache = tmp.resolve("cache");
        var e = assertThrows(DataFileException.class, () -> locator(cache).locate());
        String message = e.getMessage();
        assertTrue(message.contains("HTTP 404"), message);
        assertTrue(message.contains(cache.toAbsolutePath() + " (BN Lab cache): no such folder"), message);
        assertTrue(
                message.contains(tmp.resolve("no-system-dir").toAbsolutePath().toString()), message);
        assertTrue(message.contains(mirror.url() + fixture.files.trainImages().gzName()), message);
        assertTrue(e.fix().contains("dataset-fashion-mnist") && e.fix().contains("BNLAB_DATA_DIR"), e.fix());
        assertEquals(List.of(), names(cache));
    }

    @Test
    void connectionDroppedMidBodyLeavesNoFileBehind() throws IOException {
        DataFile spec = fixture.files.trainImages();
        byte[] body = fixture.gz.get(spec);
        Path cache = tmp.resolve("cache");
        // A stall timeout far longer than the test: only the drop itself can end the download.
        var patient = new Downloader(SHORT, SHORT, Duration.ofSeconds(30));
        try (var server = new DroppingServer(body)) {
            long start = System.nanoTime();
            var e = assertThrows(DataFileException.class, () -> patient.download(server.url(), spec, cache));
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos(), "ended by the drop");
            assertEquals(1, server.requests.get());
            assertTrue(
                    e.getMessage().contains(Downloader.urlOf(server.url(), spec).toString()), e.getMessage());
            assertTrue(
                    e.getMessage()
                            .contains("connection lost after " + body.length / 2 + " of " + body.length + " bytes"),
                    e.getMessage());
        }
        assertEquals(List.of(), names(cache), "neither the final file nor a temporary one");
    }

    @Test
    void serverFallingSilentMidBodyIsCutOffByTheStallTimeout() {
        mirror.mode = TestMirror.Mode.STALL;
        long start = System.nanoTime();
        assertFailsCleanly("no data for " + STALL.toMillis() + " ms");
        assertTrue(
                System.nanoTime() - start < Duration.ofMillis(2_500).toNanos(),
                "gave up before the server's 3 s silence ended");
    }

    private void assertFailsCleanly(String expectedProblem) {
        DataFile spec = fixture.files.trainImages();
        Path cache = tmp.resolve("cache");
        var e = assertThrows(DataFileException.class, () -> downloader.download(mirror.url(), spec, cache));
        assertTrue(e.getMessage().contains(expectedProblem), e.getMessage());
        assertTrue(e.getMessage().contains(Downloader.urlOf(mirror.url(), spec).toString()), e.getMessage());
        assertEquals(List.of(), names(cache), "neither the final file nor a temporary one");
    }

    @Test
    void filesAlreadyInTheCacheAreUsedWithoutARequest() {
        Path cache = fixture.writeGz(tmp.resolve("cache"));
        FashionMnist data = FashionMnist.load(locator(cache), 100, 100);
        assertEquals(List.of(), mirror.requests);
        assertTrue(data.source().contains("BN Lab cache"), data.source());
    }

    @Test
    void onlyTheMissingFileIsDownloadedAndTheOthersAreKept() throws IOException {
        Path cache = fixture.writeRaw(tmp.resolve("cache"));
        DataFile missing = fixture.files.testImages();
        Files.delete(cache.resolve(missing.name()));
        var before = Files.getLastModifiedTime(
                cache.resolve(fixture.files.trainImages().name()));

        FashionMnist data = FashionMnist.load(locator(cache), 100, 100);

        assertEquals(List.of(missing.gzName()), mirror.requests);
        assertEquals(IdxFixture.TEST, data.test().size());
        assertEquals(
                before,
                Files.getLastModifiedTime(
                        cache.resolve(fixture.files.trainImages().name())));
    }

    @Test
    void anExistingFileIsNeverReplaced() {
        DataFile spec = fixture.files.trainLabels();
        byte[] mine = "my own copy".getBytes();
        Path existing = IdxFixture.write(tmp.resolve("cache").resolve(spec.gzName()), mine);
        assertEquals(existing, downloader.download(mirror.url(), spec, tmp.resolve("cache")));
        assertArrayEquals(mine, read(existing));
        assertEquals(List.of(), mirror.requests);
    }

    @Test
    void aDamagedCachedFileSaysDeleteItAndRunAgain() {
        Path cache = fixture.writeGz(tmp.resolve("cache"));
        Path damaged = IdxFixture.write(cache.resolve(fixture.files.testLabels().gzName()), new byte[] {1, 2});
        var e = assertThrows(DataFileException.class, () -> FashionMnist.load(locator(cache), 100, 100));
        assertMentions(e, damaged, "truncated", "delete it and run again");
    }

    /** A folder in the cache where a file should be: the error says so, and not "delete it and run again". */
    @Test
    void anUnreadableCachedFileKeepsItsOwnFix() throws IOException {
        Path cache = fixture.writeGz(tmp.resolve("cache"));
        Path labels = cache.resolve(fixture.files.testLabels().gzName());
        Files.delete(labels);
        Files.createDirectories(labels);
        var e = assertThrows(DataFileException.class, () -> FashionMnist.load(locator(cache), 100, 100));
        assertMentions(e, labels, "cannot be read", "a folder has the file's name");
        assertFalse(e.getMessage().contains("delete it and run again"), e.getMessage());
    }

    /** A download killed with its JVM leaves a .part- file; the next download deletes it, not a live one. */
    @Test
    void partFilesOfKilledDownloadsAreDeletedByTheNextDownload() throws IOException {
        Path cache = Files.createDirectories(tmp.resolve("cache"));
        DataFile labels = fixture.files.testLabels();
        Path abandoned = Files.write(cache.resolve(labels.gzName() + ".part-123"), new byte[] {1, 2, 3});
        Files.setLastModifiedTime(
                abandoned,
                java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 3 * STALL.toMillis()));
        Path live = Files.write(cache.resolve(labels.gzName() + ".part-456"), new byte[] {4});
        Path other = Files.write(cache.resolve("unrelated.part-789"), new byte[] {5});
        Files.setLastModifiedTime(other, Files.getLastModifiedTime(abandoned));
        downloader.download(mirror.url(), labels, cache);
        assertEquals(List.of(labels.gzName(), labels.gzName() + ".part-456", "unrelated.part-789"), names(cache));
        assertTrue(Files.exists(live), "a download still writing is left alone");
    }

    static List<String> names(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
