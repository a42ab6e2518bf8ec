package bnlab;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The pins of the parent POM as Maven filtered them into {@code bnlab/versions.properties}. */
final class Versions {

    private static final Properties PINS = load();

    private Versions() {}

    static String get(String key) {
        String v = PINS.getProperty(key);
        if (v == null) {
            throw new IllegalArgumentException("no version for '" + key + "'; known: " + PINS.stringPropertyNames());
        }
        return v;
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = Versions.class.getResourceAsStream("versions.properties")) {
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
