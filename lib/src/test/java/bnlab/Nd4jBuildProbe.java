package bnlab;

import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Run in a child JVM by {@link Nd4jBuildTest}: prints the setup line, the build loaded and
 * libnd4j's binary level (1 generic, 2 AVX2). With {@value #NO_SELECT} it loads ND4J without
 * {@code Lab.setup()}, so JavaCPP picks the build on its own.
 */
public final class Nd4jBuildProbe {

    static final String NO_SELECT = "--no-select";

    public static void main(String[] args) {
        if (args.length == 0 || !args[0].equals(NO_SELECT)) System.out.println(Lab.setup());
        System.out.println("build=" + Nd4jBuild.buildOf(loadNd4j()));
        System.out.println("binaryLevel="
                + NativeOpsHolder.getInstance().getDeviceNativeOps().binaryLevel());
    }

    private static java.util.Map<String, String> loadNd4j() {
        org.nd4j.linalg.factory.Nd4j.getBackend();
        return org.bytedeco.javacpp.Loader.getLoadedLibraries();
    }
}
