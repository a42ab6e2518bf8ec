package bnlab.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocatorTest {

    private static final Duration SHORT = Duration.ofSeconds(2);

    private final IdxFixture fixture = new IdxFixture();

    @TempDir
    Path tmp;

    private FashionMnistLocator locator(Path named, Path cache, Path system, URI mirror) {
        return new FashionMnistLocator(
                new LocatorConfig(named, cache, system, mirror), fixture.files, new Downloader(SHORT, SHORT, SHORT));
    }

    @Test
    void aNamedFolderWinsOverTheCacheAndTheSystemFolder() throws IOException {
        Path named = fixture.writeGz(tmp.resolve("named"));
        Path cache = fixture.writeGz(tmp.resolve("cache"));
        Path system = fixture.writeGz(tmp.resolve("system"));
        URI nowhere = TestMirror.closedPortUrl();

        DataLocation first = locator(named, cache, system, nowhere).locate();
        assertEquals(DataLocation.Origin.NAMED_DIR, first.origin());
        for (DataFile f : fixture.files.all()) assertEquals(named.resolve(f.gzName()), first.path(f));

        assertEquals(
                DataLocation.Origin.CACHE,
                locator(null, cache, system, nowhere).locate().origin());
        DataLocation last = locator(null, tmp.resolve("empty"), system, nowhere).locate();
        assertEquals(DataLocation.Origin.SYSTEM, last.origin());
        assertTrue(last.description().contains("Debian package dataset-fashion-mnist"), last.description());
    }

    @Test
    void aFolderMayMixRawAndGzippedFiles() throws IOException {
        Path dir = fixture.writeGz(tmp.resolve("mixed"));
        DataFile raw = fixture.files.trainImages();
        Files.delete(dir.resolve(raw.gzName()));
        IdxFixture.write(dir.resolve(raw.name()), fixture.raw.get(raw));

        FashionMnist data =
                FashionMnist.load(locator(dir, tmp.resolve("c"), tmp.resolve("s"), TestMirror.closedPortUrl()), 100, 2);
        assertEquals(IdxFixture.TRAIN, data.train().size());
        assertEquals(2, data.test().size(), "the test limit");
        assertEquals(IdxFixture.pixel(0, 4, 3, 2), data.train().pixel(4, 3, 2));
        assertTrue(data.source().startsWith(dir.toAbsolutePath().toString()), data.source());
    }

    @Test
    void whenEverySourceFailsTheErrorListsWhatWasTriedAndHowToFixIt() throws IOException {
        Path named = fixture.writeGz(tmp.resolve("named"));
        Files.delete(named.resolve(fixture.files.testLabels().gzName()));
        Path cache = tmp.resolve("cache");
        Path system = tmp.resolve("system");
        URI closed = TestMirror.closedPortUrl();

        long start = System.nanoTime();
        var e = assertThrows(DataFileException.class, () -> locator(named, cache, system, closed)
                .locate());
        assertTrue(System.nanoTime() - start < SHORT.toNanos(), "a refused connection fails fast");

        String message = e.getMessage();
        int namedAt = message.indexOf("1. " + named.toAbsolutePath() + " (your data folder");
        int cacheAt = message.indexOf("2. " + cache.toAbsolutePath() + " (BN Lab cache): no such folder");
        int systemAt = message.indexOf("3. " + system.toAbsolutePath());
        int downloadAt = message.indexOf("4. download into " + cache.toAbsolutePath() + ": " + closed);
        assertTrue(namedAt >= 0 && namedAt < cacheAt && cacheAt < systemAt && systemAt < downloadAt, message);
        assertTrue(message.contains("missing t10k-labels-idx1-ubyte (raw or .gz)"), message);
        assertTrue(message.contains("ConnectException"), message);
        assertTrue(e.fix().contains("dataset-fashion-mnist") && e.fix().contains("BNLAB_DATA_DIR"), e.fix());
    }

    @Test
    void downloadsCanBeSwitchedOff() {
        LocatorConfig config = LocatorConfig.from(Map.of("BNLAB_DATA_MIRROR", "off"), home("/h"));
        assertNull(config.mirror());
        var locator = new FashionMnistLocator(
                new LocatorConfig(null, tmp.resolve("c"), tmp.resolve("s"), config.mirror()),
                fixture.files,
                new Downloader());
        var e = assertThrows(DataFileException.class, locator::locate);
        assertTrue(e.getMessage().contains("download: disabled"), e.getMessage());
    }

    @Test
    void settingsComeFromPropertiesThenEnvironmentThenDefaults() {
        Properties props = home("/home/ada");
        var defaults = LocatorConfig.from(Map.of(), props);
        assertNull(defaults.dataDir());
        assertEquals(Path.of("/home/ada/.cache/bnlab/fashion-mnist"), defaults.cacheDir());
        assertEquals(LocatorConfig.DEBIAN_DIR, defaults.systemDir());
        assertEquals(LocatorConfig.OFFICIAL_MIRROR, defaults.mirror());

        var env = Map.of(
                "BNLAB_DATA_DIR", "/env/data", "XDG_CACHE_HOME", "/xdg", "BNLAB_DATA_MIRROR", "http://127.0.0.1:1/m/");
        var fromEnv = LocatorConfig.from(env, props);
        assertEquals(Path.of("/env/data"), fromEnv.dataDir());
        assertEquals(Path.of("/xdg/bnlab/fashion-mnist"), fromEnv.cacheDir());
        assertEquals(URI.create("http://127.0.0.1:1/m/"), fromEnv.mirror());

        var withCacheEnv = LocatorConfig.from(Map.of("BNLAB_CACHE_DIR", "/env/cache", "XDG_CACHE_HOME", "/xdg"), props);
        assertEquals(
                Path.of("/env/cache/fashion-mnist"),
                withCacheEnv.cacheDir(),
                "BNLAB_CACHE_DIR is BN Lab's cache folder: downloads in fashion-mnist/, runs in runs/");

        props.setProperty("bnlab.data.dir", "/prop/data");
        props.setProperty("bnlab.cache.dir", "/prop/cache");
        var fromProps = LocatorConfig.from(env, props);
        assertEquals(Path.of("/prop/data"), fromProps.dataDir());
        assertEquals(Path.of("/prop/cache/fashion-mnist"), fromProps.cacheDir());
    }

    @Test
    void mirrorUrlsWorkWithAndWithoutTheFinalSlash() {
        DataFile f = fixture.files.trainLabels();
        URI expected = URI.create("http://127.0.0.1:8/m/train-labels-idx1-ubyte.gz");
        assertEquals(expected, Downloader.urlOf(URI.create("http://127.0.0.1:8/m/"), f));
        assertEquals(expected, Downloader.urlOf(URI.create("http://127.0.0.1:8/m"), f));
    }

    private static Properties home(String home) {
        Properties props = new Properties();
        props.setProperty("user.home", home);
        return props;
    }
}
