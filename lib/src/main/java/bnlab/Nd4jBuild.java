package bnlab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which native build of ND4J this JVM loads: the fastest one the CPU can run.
 *
 * <p>{@code nd4j-native} comes as a generic x86-64 build ({@code linux-x86_64}, any 64-bit CPU) and
 * as builds for newer CPUs; the lib ships the generic one and {@code linux-x86_64-onednn-avx2}
 * (AVX2 code plus Intel's oneDNN kernels; on 2 cores it took DL4J's LeNet-BN from ~920 to ~1 320
 * examples/s). JavaCPP loads the build named by the system property
 * {@value #PROPERTY} (e.g. {@code -onednn-avx2}; empty = generic) and reads it <em>once</em>,
 * the first time it loads any native library. So {@link #select()} must run before anything
 * touches ND4J or JavaCPP: {@link Lab}'s static initializer calls it (every notebook's first
 * call is {@code Lab.setup()}), the bench programs start with {@code Lab.setup()}, and the
 * tests select it through a JUnit extension.
 *
 * <p>The decision ({@link #extensionFor}): the fast build on Linux x86-64 when the CPU has AVX,
 * AVX2, FMA and F16C (what that build is compiled for; a CPU without them would die on an illegal
 * instruction), else the generic build. Left alone, JavaCPP would not ask the CPU: it takes the
 * first build on the class path in the preset's order ({@code -onednn, ..., -onednn-avx2, ...,
 * generic}), the fast one even on an old CPU; so the generic choice is set explicitly, as an empty
 * extension. A value set by the user ({@code -D}{@value #PROPERTY}{@code =...}, e.g. in
 * {@code JAVA_TOOL_OPTIONS}; empty for the generic build) always wins. JavaCPP falls back to the
 * generic build when the jar of the named one is missing. {@link #loaded()} reports what was
 * actually loaded, from the library file JavaCPP extracted.
 */
public final class Nd4jBuild {

    /** JavaCPP's system property naming the build's suffix ({@code -onednn-avx2}; empty = generic). */
    public static final String PROPERTY = "org.bytedeco.javacpp.platform.extension";
    /** Simulates another CPU: space-separated {@code /proc/cpuinfo} flags, e.g. {@code "sse sse2"}. */
    public static final String CPU_FLAGS_PROPERTY = "bnlab.cpu.flags";
    /** The CPU flags the fast build is compiled for. */
    static final Set<String> FAST_NEEDS = Set.of("avx", "avx2", "fma", "f16c");

    static final String PLATFORM = "linux-x86_64";

    private static String chosen; // what select() decided, or null before it ran
    private static String reason;

    private Nd4jBuild() {}

    /**
     * The platform extension for a CPU: the fast classifier's suffix (e.g. {@code -onednn-avx2})
     * on {@code linux-x86_64} with every flag of {@link #FAST_NEEDS}, else {@code ""} (generic).
     *
     * @param platform      JavaCPP's platform name, e.g. {@code linux-x86_64}
     * @param cpuFlags      the CPU's feature flags as {@code /proc/cpuinfo} spells them
     * @param fastClassifier the fast build's Maven classifier, e.g. {@code linux-x86_64-onednn-avx2}
     */
    static String extensionFor(String platform, Set<String> cpuFlags, String fastClassifier) {
        if (!fastClassifier.startsWith(platform + "-")) {
            throw new IllegalArgumentException(
                    "the fast classifier '" + fastClassifier + "' is not a build for " + platform);
        }
        if (!PLATFORM.equals(platform) || !cpuFlags.containsAll(FAST_NEEDS)) return "";
        return fastClassifier.substring(platform.length());
    }

    /**
     * Sets {@value #PROPERTY} for this CPU unless it is set already; returns the extension in
     * effect. Idempotent; effective only before JavaCPP loads its first library.
     */
    public static synchronized String select() {
        if (chosen != null) return chosen;
        String set = System.getProperty(PROPERTY);
        if (set != null) {
            chosen = set;
            reason = "set by -D" + PROPERTY + "=" + set;
            return chosen;
        }
        Set<String> flags = cpuFlags();
        chosen = extensionFor(platform(), flags, fastClassifier());
        System.setProperty(PROPERTY, chosen);
        Set<String> missing = new HashSet<>(FAST_NEEDS);
        missing.removeAll(flags);
        reason = chosen.isEmpty()
                ? (PLATFORM.equals(platform()) ? "CPU lacks " + String.join(", ", sorted(missing)) : "not " + PLATFORM)
                : "CPU has " + String.join(", ", sorted(FAST_NEEDS));
        return chosen;
    }

    /** The classifier of the fast build, as pinned in the parent POM. */
    public static String fastClassifier() {
        return Versions.get("nd4j.fast.classifier");
    }

    /**
     * The build ND4J's native library was loaded from, e.g. {@code linux-x86_64-onednn-avx2}: the
     * folder JavaCPP extracted {@code libnd4jcpu} into. Loads ND4J if it is not loaded yet.
     */
    public static String loaded() {
        org.nd4j.linalg.factory.Nd4j.getBackend(); // makes sure the native library is loaded
        return buildOf(org.bytedeco.javacpp.Loader.getLoadedLibraries());
    }

    /** The build folder of {@code nd4jcpu} in JavaCPP's map of loaded libraries (name to path). */
    static String buildOf(Map<String, String> loadedLibraries) {
        String path = loadedLibraries.get("nd4jcpu");
        if (path == null) {
            throw new IllegalStateException(
                    "ND4J's native library nd4jcpu is not loaded; loaded: " + loadedLibraries.keySet());
        }
        Path dir = Path.of(path).getParent();
        return dir == null ? path : dir.getFileName().toString();
    }

    /**
     * One line for {@code Lab.setup()}: the build loaded and why; with a warning when it is not
     * the one chosen for this CPU (ND4J was loaded before {@link #select()} ran).
     */
    public static String describe() {
        String extension = select();
        String build = loaded();
        String wanted = PLATFORM + extension;
        String line = "native build " + build + " (" + reason + ")";
        if (PLATFORM.equals(platform()) && !build.equals(wanted)) {
            line += " - WARNING: wanted " + wanted
                    + (isOnClassPath(wanted)
                            ? "; ND4J was loaded before bnlab.Lab.setup(): restart the kernel (or JVM) and call it first"
                            : ", whose jar is not on the class path: rebuild the lib (scripts/setup.sh)");
        }
        return line;
    }

    /** Whether the jar of {@code build} (e.g. {@code linux-x86_64-onednn-avx2}) is on the class path. */
    static boolean isOnClassPath(String build) {
        return Nd4jBuild.class
                        .getClassLoader()
                        .getResource("org/nd4j/linalg/cpu/nativecpu/bindings/" + build + "/libjnind4jcpu.so")
                != null;
    }

    /** This JVM's platform in JavaCPP's naming ({@code linux-x86_64}, ...). */
    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (os.startsWith("linux") && (arch.equals("amd64") || arch.equals("x86_64"))) return PLATFORM;
        return os.split(" ")[0] + "-" + arch;
    }

    /** The CPU's flags from {@code /proc/cpuinfo}, or those of {@value #CPU_FLAGS_PROPERTY} if set. */
    static Set<String> cpuFlags() {
        String simulated = System.getProperty(CPU_FLAGS_PROPERTY);
        if (simulated != null) return parseFlags(simulated);
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("flags")) return parseFlags(line.substring(line.indexOf(':') + 1));
            }
        } catch (IOException | RuntimeException e) {
            // no /proc/cpuinfo (not Linux): no flags, the generic build
        }
        return Set.of();
    }

    static Set<String> parseFlags(String flags) {
        String trimmed = flags.trim().toLowerCase(Locale.ROOT);
        return trimmed.isEmpty() ? Set.of() : Set.copyOf(Arrays.asList(trimmed.split("\\s+")));
    }

    private static String[] sorted(Set<String> s) {
        return s.stream().sorted().toArray(String[]::new);
    }
}
