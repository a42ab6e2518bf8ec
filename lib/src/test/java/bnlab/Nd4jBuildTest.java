package bnlab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.nativeblas.NativeOpsHolder;

class Nd4jBuildTest {

    private static final String FAST = "linux-x86_64-onednn-avx2";
    /** The flags line of the 2-core AMD EPYC the project was measured on (AVX2, no AVX-512). */
    private static final Set<String> EPYC = Nd4jBuild.parseFlags("fpu vme de pse tsc msr pae mce cx8 "
            + "apic sep mtrr sse sse2 ht syscall nx mmxext lm pni pclmulqdq ssse3 fma cx16 sse4_1 "
            + "sse4_2 movbe popcnt aes xsave avx f16c rdrand bmi1 avx2 smep bmi2 sha_ni");
    /** A pre-2013 CPU: SSE4.2 and AVX but no AVX2, FMA or F16C. */
    private static final Set<String> SANDY_BRIDGE =
            Nd4jBuild.parseFlags("fpu sse sse2 ssse3 sse4_1 sse4_2 popcnt aes xsave avx");

    @Test
    void avx2CpuGetsTheFastBuild() {
        assertEquals("-onednn-avx2", Nd4jBuild.extensionFor("linux-x86_64", EPYC, FAST));
    }

    @Test
    void cpuWithoutAvx2GetsTheGenericBuild() {
        assertEquals("", Nd4jBuild.extensionFor("linux-x86_64", SANDY_BRIDGE, FAST));
        assertEquals("", Nd4jBuild.extensionFor("linux-x86_64", Set.of(), FAST));
    }

    @Test
    void everyRequiredFlagCounts() {
        for (String flag : Nd4jBuild.FAST_NEEDS) {
            Set<String> without = new java.util.HashSet<>(EPYC);
            without.remove(flag);
            assertEquals("", Nd4jBuild.extensionFor("linux-x86_64", without, FAST), "without " + flag);
        }
    }

    @Test
    void otherPlatformsGetTheGenericBuild() {
        assertEquals("", Nd4jBuild.extensionFor("macosx-x86_64", EPYC, "macosx-x86_64-avx2"));
        assertEquals("", Nd4jBuild.extensionFor("linux-arm64", EPYC, "linux-arm64-onednn"));
    }

    @Test
    void fastClassifierMustMatchThePlatform() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> Nd4jBuild.extensionFor("linux-x86_64", EPYC, "windows-x86_64-avx2"));
        assertTrue(e.getMessage().contains("windows-x86_64-avx2"), e.getMessage());
    }

    @Test
    void fastClassifierIsThePinnedOne() {
        assertEquals(FAST, Nd4jBuild.fastClassifier());
    }

    @Test
    void flagsAreParsedFromACpuinfoLine() {
        assertEquals(Set.of("fpu", "avx2", "fma"), Nd4jBuild.parseFlags("  FPU avx2\tfma \n"));
        assertEquals(Set.of(), Nd4jBuild.parseFlags("   "));
    }

    @Test
    void buildIsTheFolderOfTheLoadedLibrary() {
        String path = "/home/u/.javacpp/cache/nd4j-native-1.0.0-M2.1-" + FAST + ".jar/org/nd4j/linalg/"
                + "cpu/nativecpu/bindings/" + FAST + "/libnd4jcpu.so";
        assertEquals(FAST, Nd4jBuild.buildOf(Map.of("nd4jcpu", path, "jnijavacpp", "/x/libjnijavacpp.so")));
        var e = assertThrows(IllegalStateException.class, () -> Nd4jBuild.buildOf(Map.of("jnijavacpp", "/x")));
        assertTrue(e.getMessage().contains("nd4jcpu"), e.getMessage());
    }

    /** This JVM (the extension SelectNd4jBuild chose before any test ran) loaded the build chosen for its CPU. */
    @Test
    void theBuildChosenForThisCpuIsTheOneLoaded() {
        String expected = "linux-x86_64"
                + Nd4jBuild.extensionFor(Nd4jBuild.platform(), Nd4jBuild.cpuFlags(), Nd4jBuild.fastClassifier());
        assertEquals(expected, Nd4jBuild.loaded());
        int level = NativeOpsHolder.getInstance().getDeviceNativeOps().binaryLevel();
        assertEquals(expected.endsWith("avx2") ? 2 : 1, level, "libnd4j's own binary level");
        assertTrue(Lab.setup().contains("native build " + expected + " ("), Lab.setup());
    }

    /** A CPU without AVX2, simulated in a fresh JVM: the generic build loads and ND4J works. */
    @Test
    void simulatedOldCpuLoadsTheGenericBuild() throws IOException, InterruptedException {
        String out = probe("-D" + Nd4jBuild.CPU_FLAGS_PROPERTY + "=" + String.join(" ", SANDY_BRIDGE));
        assertTrue(out.contains("build=linux-x86_64\n"), out);
        assertTrue(out.contains("binaryLevel=1\n"), out);
        assertTrue(out.contains("CPU lacks avx2, f16c, fma"), out);
    }

    /** The user's -D setting wins over the CPU's flags. */
    @Test
    void userSettingWins() throws IOException, InterruptedException {
        String out = probe("-D" + Nd4jBuild.PROPERTY + "=");
        assertTrue(out.contains("build=linux-x86_64\n"), out);
        assertTrue(out.contains("set by -D" + Nd4jBuild.PROPERTY + "="), out);
    }

    /**
     * Why the generic choice is set explicitly: left alone, JavaCPP takes the fast build whenever
     * its jar is on the class path, whatever the CPU (here with the flags of an old CPU).
     */
    @Test
    void withoutSelectJavaCppTakesTheFastBuild() throws IOException, InterruptedException {
        String out = probe(Nd4jBuildProbe.NO_SELECT, "-D" + Nd4jBuild.CPU_FLAGS_PROPERTY + "=sse sse2");
        assertTrue(out.contains("build=" + FAST + "\n"), out);
    }

    private static String probe(String option) throws IOException, InterruptedException {
        return ChildJvm.run(Nd4jBuildProbe.class, List.of(option));
    }

    private static String probe(String mode, String option) throws IOException, InterruptedException {
        return ChildJvm.run(Nd4jBuildProbe.class, List.of(option), mode);
    }
}
