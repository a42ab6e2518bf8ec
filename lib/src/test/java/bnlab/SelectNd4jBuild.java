package bnlab;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Picks the ND4J native build for this CPU ({@link Nd4jBuild#select()}) before any test class
 * runs, the way {@code Lab.setup()} does in a notebook. JUnit instantiates it once per run
 * (auto-detected: META-INF/services and junit-platform.properties), before the first test class;
 * {@link Nd4jBuildTest} checks that the build loaded in this JVM is the one chosen.
 */
public final class SelectNd4jBuild implements BeforeAllCallback {

    public SelectNd4jBuild() {
        Nd4jBuild.select();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Nd4jBuild.select();
    }
}
