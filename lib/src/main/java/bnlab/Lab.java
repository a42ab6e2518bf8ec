package bnlab;

import org.nd4j.linalg.factory.Nd4j;

/**
 * The notebooks' first call: proves the library is on the class path and says what runs.
 *
 * <p>{@code %classpath} ignores a path that does not exist, so every notebook's setup cell
 * checks the jar first and then calls {@link #setup()}; a missing library fails there, loudly,
 * instead of cells later as "package bnlab does not exist".
 *
 * <p>Loading this class picks the native build of ND4J that fits the CPU ({@link Nd4jBuild}),
 * which must happen before ND4J loads: call {@code Lab.setup()} before anything else.
 */
public final class Lab {

    static {
        Nd4jBuild.select();
    }

    private Lab() {}

    /** The version of a component as pinned in the parent POM: bnlab, nd4j, dl4j, xchart, tablesaw. */
    public static String version(String component) {
        return Versions.get(component);
    }

    /**
     * Loads ND4J's native backend (the build chosen for this CPU), starts the guard that keeps its
     * native memory flat ({@link NativeMemory}) and returns one line describing the run, for
     * printing: versions, the native build loaded and why, cores, and the profile's name only
     * ({@code BNLAB_PROFILE}): what a notebook trains on differs from notebook to notebook (the
     * experiments train on slices for a few epochs), so each notebook prints its own budget.
     */
    public static String setup() {
        String backend = Nd4j.getBackend().getClass().getSimpleName();
        NativeMemory.guard();
        return String.format(
                "BN Lab %s | ND4J %s %s, %s | Java %s | %d cores | %s | %s",
                version("bnlab"),
                version("nd4j"),
                backend,
                Nd4jBuild.describe(),
                System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(),
                bnlab.nn.kernel.FastSequential.describe(),
                "profile " + Profile.current().name());
    }
}
