package bnlab.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What the numbers were measured on: the CPU's model name, ND4J's thread count, and the
 * process's memory, for the result line's {@code ... examples/sec on <CPU>, <n> threads}.
 */
public final class Machine {

    private Machine() {}

    /** The CPU model as {@code /proc/cpuinfo} names it (e.g. "AMD EPYC"), else the architecture. */
    public static String cpu() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim().replaceAll("\\s+", " ");
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall back below
        }
        return System.getProperty("os.arch") + " CPU";
    }

    /** The number of threads ND4J's native operations use (OpenMP). */
    public static int threads() {
        return Nd4j.getEnvironment().maxThreads();
    }

    /** "AMD EPYC, 2 threads": where a run's examples/sec were measured. */
    public static String describe() {
        int n = threads();
        return cpu() + ", " + n + (n == 1 ? " thread" : " threads");
    }

    /** Resident memory of this process now, MiB (JavaCPP measures it; NaN if it cannot). */
    public static double rssMiB() {
        try {
            long bytes = Pointer.physicalBytes();
            return bytes > 0 ? bytes / (1024.0 * 1024.0) : Double.NaN;
        } catch (RuntimeException | LinkageError e) {
            return Double.NaN;
        }
    }

    /**
     * The process's peak resident memory so far, MiB ({@code VmHWM} of {@code /proc/self/status};
     * NaN where there is none). In a notebook this is the kernel's peak since it started.
     */
    public static double peakRssMiB() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/self/status"));
            for (String line : lines) {
                if (line.startsWith("VmHWM:")) {
                    String kb = line.substring(6).trim().split("\\s+")[0];
                    return Long.parseLong(kb) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return Double.NaN;
    }
}
