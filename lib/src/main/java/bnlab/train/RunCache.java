package bnlab.train;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Finished training runs on disk, so a run is trained once: an experiment or a notebook that asks
 * for a run it has already trained (the same {@link RunKey}: network, data, settings, library
 * build) loads it in milliseconds instead. Reopening a notebook, the Chinese edition of a notebook
 * whose English twin ran first, a class whose teacher ran every notebook: all load.
 *
 * <p><b>Where.</b> Runs live in {@code runs/} of a cache folder: {@code BNLAB_CACHE_DIR} (system
 * property {@code bnlab.cache.dir}; the same folder keeps the Fashion-MNIST download in
 * {@code fashion-mnist/}), by default {@code build/cache/} of the project. Entries are read from
 * there and then from the read-only folders in {@code BNLAB_SHARED_CACHE_DIR}
 * ({@code bnlab.shared.cache.dir}, several separated by {@code :}), e.g. a teacher's cache on a
 * shared volume; new runs are written to the first folder only. {@code BNLAB_CACHE=off}
 * ({@code bnlab.cache=off}) turns the cache off: every run trains and nothing is written.
 *
 * <p><b>Never in the way.</b> A folder that cannot be written, a missing folder, an unreadable or
 * truncated entry: each is reported once on standard error and the run trains as if there were no
 * cache. Entries are written to a temporary file and renamed into place, so a kernel killed
 * mid-write leaves no half entry behind.
 */
public final class RunCache {

    private static volatile RunCache current;

    private final boolean enabled;
    private final Path writable;
    private final List<Path> readOnly;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    private RunCache(boolean enabled, Path writable, List<Path> readOnly) {
        this.enabled = enabled;
        this.writable = writable;
        this.readOnly = List.copyOf(readOnly);
    }

    /** The cache this JVM uses: set up from the environment on first use (see the class doc). */
    public static RunCache current() {
        RunCache c = current;
        if (c == null) {
            synchronized (RunCache.class) {
                if (current == null) {
                    current = fromSettings(System.getenv(), System.getProperties());
                }
                c = current;
            }
        }
        return c;
    }

    /** Makes {@code cache} the current one (tests do); returns the one it replaces. */
    public static synchronized RunCache setCurrent(RunCache cache) {
        RunCache before = current();
        current = cache;
        return before;
    }

    /** No cache: every run trains, nothing is stored. */
    public static RunCache off() {
        return new RunCache(false, null, List.of());
    }

    /** A cache in folder {@code dir} (runs in {@code dir/runs}), also reading the runs of the {@code shared} folders. */
    public static RunCache in(Path dir, Path... shared) {
        return new RunCache(
                true,
                dir.resolve("runs"),
                java.util.Arrays.stream(shared).map(p -> p.resolve("runs")).toList());
    }

    static RunCache fromSettings(Map<String, String> env, Properties props) {
        String switchValue = setting("bnlab.cache", "BNLAB_CACHE", env, props);
        if (switchValue != null
                && Set.of("off", "false", "no", "0", "none").contains(switchValue.toLowerCase(Locale.ROOT))) {
            return off();
        }
        String dir = setting("bnlab.cache.dir", "BNLAB_CACHE_DIR", env, props);
        Path root = dir != null ? Path.of(dir) : defaultFolder();
        List<Path> shared = new ArrayList<>();
        String sharedValue = setting("bnlab.shared.cache.dir", "BNLAB_SHARED_CACHE_DIR", env, props);
        if (sharedValue != null) {
            for (String s : sharedValue.split(java.io.File.pathSeparator)) {
                if (!s.isBlank()) {
                    shared.add(Path.of(s.trim()));
                }
            }
        }
        return in(root, shared.toArray(new Path[0]));
    }

    /** {@code build/cache} of the project the library was built in, else {@code build/cache} of the working folder. */
    private static Path defaultFolder() {
        Path root = LibraryBuild.projectRoot();
        return (root != null ? root : Path.of("").toAbsolutePath())
                .resolve("build")
                .resolve("cache");
    }

    private static String setting(String property, String variable, Map<String, String> env, Properties props) {
        String value = props.getProperty(property);
        if (value == null || value.isBlank()) {
            value = env.get(variable);
        }
        return value == null || value.isBlank() ? null : value.trim();
    }

    public boolean enabled() {
        return enabled;
    }

    /** The folder new runs are written to (null when off). */
    public Path folder() {
        return writable;
    }

    /** The stored run of {@code key}, if any folder has one that reads back whole. */
    public Optional<RunRecord> load(RunKey key) {
        if (!enabled || !key.cacheable()) {
            return Optional.empty();
        }
        List<Path> folders = new ArrayList<>();
        folders.add(writable);
        folders.addAll(readOnly);
        for (Path folder : folders) {
            Path file = entry(folder, key);
            if (!Files.isRegularFile(file)) {
                continue;
            }
            try (InputStream raw = Files.newInputStream(file);
                    DataInputStream in =
                            new DataInputStream(new BufferedInputStream(new GZIPInputStream(raw, 1 << 16)))) {
                return Optional.of(RunRecord.readFrom(in, key.hash()));
            } catch (IOException | RuntimeException e) {
                warnOnce(
                        "read:" + folder,
                        "run cache: could not read " + file + " (" + e + "); training the run instead");
            }
        }
        return Optional.empty();
    }

    /** Stores {@code record} under {@code key}; false (with a note on standard error, once) if it cannot. */
    public boolean save(RunKey key, RunRecord record) {
        if (!enabled || !key.cacheable()) {
            return false;
        }
        Path file = entry(writable, key);
        Path tmp = null;
        try {
            Files.createDirectories(file.getParent());
            tmp = Files.createTempFile(file.getParent(), "." + key.hash().substring(0, 16), ".tmp");
            try (OutputStream raw = Files.newOutputStream(tmp);
                    DataOutputStream out =
                            new DataOutputStream(new BufferedOutputStream(new GZIPOutputStream(raw, 1 << 16)))) {
                record.writeTo(out, key.hash());
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            return true;
        } catch (IOException | RuntimeException e) {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // nothing more to do: the run itself is fine
                }
            }
            warnOnce(
                    "write:" + writable,
                    "run cache: cannot save runs in " + writable + " (" + e + "); runs still "
                            + "train, they are just not kept"
                            + (e instanceof IOException ? ". Set BNLAB_CACHE_DIR to a writable folder." : "."));
            return false;
        }
    }

    private static Path entry(Path folder, RunKey key) {
        return folder.resolve(key.hash().substring(0, 2)).resolve(key.hash() + ".run.gz");
    }

    private void warnOnce(String what, String message) {
        if (warned.add(what)) {
            System.err.println(message);
        }
    }

    /** e.g. "run cache in /p/build/cache/runs, also reading /srv/bnlab/runs" or "run cache off". */
    @Override
    public String toString() {
        if (!enabled) {
            return "run cache off";
        }
        return "run cache in " + writable
                + (readOnly.isEmpty()
                        ? ""
                        : ", also reading "
                                + String.join(
                                        ", ",
                                        readOnly.stream().map(Path::toString).toList()));
    }
}
