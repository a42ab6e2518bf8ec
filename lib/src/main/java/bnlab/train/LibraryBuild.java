package bnlab.train;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The BN Lab library as this JVM loaded it: where its classes come from (the jar
 * {@code lib/target/bnlab-lib.jar}, or {@code lib/target/classes} in the Maven tests), a hash of
 * those class files, and the project folder around them. The run cache keys every run on the
 * hash, so any change to the library's code makes every stored run a miss; and it trusts only
 * classes from that location, so a class written in a notebook cell (which JShell defines with
 * no location) is never taken for library code.
 */
public final class LibraryBuild {

    private static final URL LOCATION = location(LibraryBuild.class);
    private static volatile String hash;

    private LibraryBuild() {}

    /** Whether {@code c} is a named class of this library build (not a lambda, not a notebook's class). */
    static boolean contains(Class<?> c) {
        if (c.isHidden() || c.isPrimitive() || c.isArray() || LOCATION == null) {
            return false;
        }
        URL where = location(c);
        return where != null && sameFile(where, LOCATION);
    }

    /** SHA-256 over the names and bytes of every class file of the library, sorted by name. */
    public static String hash() {
        String h = hash;
        if (h == null) {
            synchronized (LibraryBuild.class) {
                h = hash;
                if (h == null) {
                    h = computeHash();
                    hash = h;
                }
            }
        }
        return h;
    }

    /**
     * The project folder when the library runs from a checkout ({@code ROOT/lib/target/...} with
     * {@code ROOT/pom.xml}), else null.
     */
    public static Path projectRoot() {
        Path p = path();
        // lib/target/bnlab-lib.jar or lib/target/classes: three levels up is the project root
        for (int i = 0; i < 3 && p != null; i++) {
            p = p.getParent();
        }
        return p != null && Files.isRegularFile(p.resolve("pom.xml")) && Files.isDirectory(p.resolve("lib")) ? p : null;
    }

    /** The jar or class folder the library was loaded from, or null if unknown. */
    static Path path() {
        if (LOCATION == null) {
            return null;
        }
        try {
            return Path.of(LOCATION.toURI()).toAbsolutePath().normalize();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }

    private static URL location(Class<?> c) {
        CodeSource cs =
                c.getProtectionDomain() == null ? null : c.getProtectionDomain().getCodeSource();
        return cs == null ? null : cs.getLocation();
    }

    private static boolean sameFile(URL a, URL b) {
        try {
            return a.toURI().normalize().equals(b.toURI().normalize());
        } catch (URISyntaxException e) {
            return a.toExternalForm().equals(b.toExternalForm());
        }
    }

    private static String computeHash() {
        Path p = path();
        if (p == null) {
            throw new IllegalStateException("cannot tell where the BN Lab library was loaded from");
        }
        return hashOf(p);
    }

    /** The hash of the class files in a jar or a folder of classes. */
    static String hashOf(Path p) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            if (Files.isDirectory(p)) {
                List<Path> files;
                try (Stream<Path> s = Files.walk(p)) {
                    files = s.filter(f -> f.toString().endsWith(".class"))
                            .sorted()
                            .toList();
                }
                for (Path f : files) {
                    md.update(p.relativize(f)
                            .toString()
                            .replace('\\', '/')
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    md.update(Files.readAllBytes(f));
                }
            } else {
                try (JarFile jar = new JarFile(p.toFile())) {
                    List<JarEntry> entries = new ArrayList<>();
                    jar.stream().filter(e -> e.getName().endsWith(".class")).forEach(entries::add);
                    entries.sort(java.util.Comparator.comparing(JarEntry::getName));
                    for (JarEntry e : entries) {
                        md.update(e.getName().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                        try (InputStream in = jar.getInputStream(e)) {
                            md.update(in.readAllBytes());
                        }
                    }
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the BN Lab library at " + p + " to fingerprint it", e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
