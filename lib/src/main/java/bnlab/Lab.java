package bnlab;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The notebooks' first call: proves the library is on the class path and says what runs.
 *
 * <p>{@code %classpath} ignores a path that does not exist, so every notebook's setup cell
 * checks the jar first and then calls {@link #setup()}; a missing library fails there, loudly,
 * instead of cells later as "package bnlab does not exist".
 */
public final class Lab {

    private static final Properties VERSIONS = loadVersions();

    private Lab() {
    }

    /** The version of a component as pinned in the parent POM: bnlab, nd4j, dl4j, xchart, tablesaw. */
    public static String version(String component) {
        String v = VERSIONS.getProperty(component);
        if (v == null) {
            throw new IllegalArgumentException("no version for '" + component + "'; known: "
                    + VERSIONS.stringPropertyNames());
        }
        return v;
    }

    /** Loads ND4J's native backend and returns one line describing the run, for printing. */
    public static String setup() {
        String backend = Nd4j.getBackend().getClass().getSimpleName();
        return String.format("BN Lab %s | ND4J %s %s | Java %s | %d cores | %s | %s",
                version("bnlab"), version("nd4j"), backend, System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), bnlab.nn.kernel.FastSequential.describe(),
                Profile.current());
    }

    private static Properties loadVersions() {
        Properties p = new Properties();
        try (InputStream in = Lab.class.getResourceAsStream("versions.properties")) {
            if (in == null) {
                throw new IllegalStateException("bnlab/versions.properties is missing from the lib "
                        + "jar: rebuild it with `mvn -B package -DskipTests`.");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
