package bnlab.data;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads one {@code .gz} file from a mirror and verifies its MD5 before anyone can see it.
 *
 * <p>The bytes go to a temporary {@code name.gz.part-NNN} file in the target folder, which is
 * moved atomically to {@code name.gz} only after the length and MD5 check out. On any failure the
 * temporary file is deleted, so a half-written or wrong file never carries the final name, and an
 * existing file under that name is never replaced. A download killed with its JVM cannot delete
 * its {@code .part-} file: the next download of that file deletes those that have not grown for
 * twice the stall timeout (a live download writes more often than that, or is stopped itself).
 */
public final class Downloader {

    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);
    /** Until the response headers arrive. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    /** Longest silence allowed while the body streams in. */
    public static final Duration STALL_TIMEOUT = Duration.ofSeconds(60);

    private static final Logger LOG = LoggerFactory.getLogger(Downloader.class);

    private final HttpTransfer http;
    private final Duration stallTimeout;

    public Downloader() {
        this(CONNECT_TIMEOUT, REQUEST_TIMEOUT, STALL_TIMEOUT);
    }

    public Downloader(Duration connectTimeout, Duration requestTimeout, Duration stallTimeout) {
        this.http = new HttpTransfer(connectTimeout, requestTimeout, stallTimeout);
        this.stallTimeout = stallTimeout;
    }

    /** The URL of a file's {@code .gz} on a mirror (base URL with or without final slash). */
    public static URI urlOf(URI mirror, DataFile spec) {
        String base = mirror.toString();
        return URI.create(base.endsWith("/") ? base + spec.gzName() : base + "/" + spec.gzName());
    }

    /**
     * Downloads {@code spec.gzName()} into {@code dir} and returns its path. An existing file of
     * that name is returned untouched, without a request.
     *
     * @throws DataFileException naming the URL, what went wrong and the fix
     */
    public Path download(URI mirror, DataFile spec, Path dir) {
        URI url = urlOf(mirror, spec);
        Path target = dir.resolve(spec.gzName());
        if (Files.exists(target)) return target;
        deleteAbandonedParts(dir, spec);
        Path part = createPartFile(dir, spec);
        boolean moved = false;
        try {
            LOG.info("Downloading {} to {}", url, dir);
            String md5 = http.get(url, part);
            if (!md5.equals(spec.gzMd5())) {
                throw failure(
                        url,
                        "checksum mismatch: expected MD5 " + spec.gzMd5() + ", got " + md5 + " (" + Files.size(part)
                                + " bytes)",
                        "run again; if it persists the mirror "
                                + "serves another file: set BNLAB_DATA_MIRROR to another mirror, or "
                                + FashionMnistLocator.OTHER_SOURCES,
                        null);
            }
            if (!Files.exists(target)) { // another process may have finished first: keep its copy
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
                moved = true;
            }
            return target;
        } catch (HttpTransfer.StatusException e) {
            throw failure(
                    url,
                    e.getMessage(),
                    "check the mirror URL (bnlab.data.mirror / " + "BNLAB_DATA_MIRROR); or "
                            + FashionMnistLocator.OTHER_SOURCES,
                    e);
        } catch (IOException e) {
            String what =
                    e instanceof ConnectException ? "cannot connect to " + url.getAuthority() : "the download failed";
            throw failure(
                    url,
                    what + ": " + HttpTransfer.describe(e),
                    "check the internet " + "connection, then run again; or " + FashionMnistLocator.OTHER_SOURCES,
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure(url, "the download was interrupted", "run again", e);
        } finally {
            if (!moved) deleteQuietly(part);
        }
    }

    /** Deletes {@code name.gz.part-*} files of earlier downloads that were killed (untouched for 2 × the stall timeout). */
    void deleteAbandonedParts(Path dir, DataFile spec) {
        if (!Files.isDirectory(dir)) return;
        long cutoff = System.currentTimeMillis() - 2 * stallTimeout.toMillis();
        try (var parts = Files.newDirectoryStream(dir, spec.gzName() + ".part-*")) {
            for (Path p : parts) {
                if (Files.getLastModifiedTime(p).toMillis() < cutoff) {
                    LOG.info("Deleting {}, left by a download that was stopped", p);
                    deleteQuietly(p);
                }
            }
        } catch (IOException e) {
            LOG.warn("Could not look for abandoned downloads in {}: {}", dir, e.toString());
        }
    }

    private static Path createPartFile(Path dir, DataFile spec) {
        try {
            Files.createDirectories(dir);
            return Files.createTempFile(dir, spec.gzName() + ".part-", "");
        } catch (IOException e) {
            throw new DataFileException(
                    dir,
                    "cannot write a download into this folder: " + e,
                    "make it writable, or set BNLAB_CACHE_DIR to a writable folder",
                    e);
        }
    }

    private static DataFileException failure(URI url, String problem, String fix, Throwable cause) {
        return new DataFileException(null, url + ": " + problem, fix, cause);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("Could not delete the partial download {}: {}", file, e.toString());
        }
    }
}
