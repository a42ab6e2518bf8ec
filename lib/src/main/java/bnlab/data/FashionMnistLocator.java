package bnlab.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the four files, trying in order: (1) the folder the user named, (2) BN Lab's cache,
 * (3) the Debian package's folder, (4) a download from the mirror into the cache.
 *
 * <p>A folder is used only when it holds all four files, each as {@code name.gz} or raw
 * {@code name}. When every source fails, the error lists each folder with what it lacked, the
 * download's URL and error, and how to get the data.
 */
public final class FashionMnistLocator {

    /** Ways to get the data other than the download, for error messages. */
    static final String OTHER_SOURCES = "install the Debian package dataset-fashion-mnist "
            + "(sudo apt-get install dataset-fashion-mnist), or set BNLAB_DATA_DIR to a folder "
            + "holding the four files (each raw or .gz)";

    private final LocatorConfig config;
    private final FashionMnistFiles files;
    private final Downloader downloader;

    public FashionMnistLocator(LocatorConfig config, FashionMnistFiles files, Downloader downloader) {
        this.config = config;
        this.files = files;
        this.downloader = downloader;
    }

    /** The locator for this JVM's settings and the official files. */
    public static FashionMnistLocator fromEnvironment() {
        return new FashionMnistLocator(LocatorConfig.fromEnvironment(), FashionMnistFiles.OFFICIAL, new Downloader());
    }

    public FashionMnistFiles files() {
        return files;
    }

    /** Finds (or downloads) the four files; the reader checks their content afterwards. */
    public DataLocation locate() {
        List<String> tried = new ArrayList<>();
        if (config.dataDir() != null) {
            var found = lookIn(
                    config.dataDir(),
                    DataLocation.Origin.NAMED_DIR,
                    "your data folder, bnlab.data.dir / BNLAB_DATA_DIR",
                    tried);
            if (found.isPresent()) return found.get();
        }
        var cached = lookIn(config.cacheDir(), DataLocation.Origin.CACHE, "BN Lab cache", tried);
        if (cached.isPresent()) return cached.get();
        var system =
                lookIn(config.systemDir(), DataLocation.Origin.SYSTEM, "Debian package dataset-fashion-mnist", tried);
        if (system.isPresent()) return system.get();
        return download(tried);
    }

    private Optional<DataLocation> lookIn(Path dir, DataLocation.Origin origin, String label, List<String> tried) {
        if (!Files.isDirectory(dir)) {
            tried.add(dir.toAbsolutePath() + " (" + label + "): no such folder");
            return Optional.empty();
        }
        Map<DataFile, Path> found = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (DataFile file : files.all()) {
            existing(dir, file).ifPresentOrElse(p -> found.put(file, p), () -> missing.add(file.name()));
        }
        if (!missing.isEmpty()) {
            tried.add(
                    dir.toAbsolutePath() + " (" + label + "): missing " + String.join(", ", missing) + " (raw or .gz)");
            return Optional.empty();
        }
        return Optional.of(new DataLocation(origin, dir, dir.toAbsolutePath() + " (" + label + ")", found));
    }

    /** {@code name.gz} or raw {@code name} in {@code dir}, whichever exists (gzip first). */
    private static Optional<Path> existing(Path dir, DataFile file) {
        for (String name : List.of(file.gzName(), file.name())) {
            Path path = dir.resolve(name);
            if (Files.isRegularFile(path)) return Optional.of(path);
        }
        return Optional.empty();
    }

    /** Downloads what the cache lacks; files already there are kept and not requested. */
    private DataLocation download(List<String> tried) {
        if (config.mirror() == null) {
            tried.add("download: disabled (bnlab.data.mirror / BNLAB_DATA_MIRROR is off)");
            throw notFound(tried, null);
        }
        Path cache = config.cacheDir();
        Map<DataFile, Path> found = new LinkedHashMap<>();
        for (DataFile file : files.all()) {
            try {
                Path path = existing(cache, file).orElse(null);
                found.put(file, path != null ? path : downloader.download(config.mirror(), file, cache));
            } catch (DataFileException e) {
                tried.add("download into " + cache.toAbsolutePath() + ": " + e.problem());
                throw notFound(tried, e);
            }
        }
        return new DataLocation(
                DataLocation.Origin.DOWNLOAD,
                cache,
                cache.toAbsolutePath() + " (BN Lab cache, downloaded from " + config.mirror() + ")",
                found);
    }

    private static DataFileException notFound(List<String> tried, Throwable cause) {
        StringBuilder problem = new StringBuilder("Fashion-MNIST was not found. Tried, in order:");
        for (int i = 0; i < tried.size(); i++) {
            problem.append("\n  ").append(i + 1).append(". ").append(tried.get(i));
        }
        return new DataFileException(
                null,
                problem.toString(),
                OTHER_SOURCES
                        + ", or let BN Lab download the files (it needs internet access to the mirror; "
                        + "BNLAB_DATA_MIRROR names another one)",
                cause);
    }
}
