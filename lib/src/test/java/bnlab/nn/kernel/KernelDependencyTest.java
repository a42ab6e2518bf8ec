package bnlab.nn.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The dependency between the layers and the engine runs one way: no compiled class of
 * {@code bnlab.nn.kernel} refers to a class of {@code bnlab.nn} (class references are names like
 * {@code bnlab/nn/Parameter} in a class file's constant pool; Javadoc links are not compiled).
 */
class KernelDependencyTest {

    private static final Pattern LAYER_CLASS = Pattern.compile("bnlab/nn/([A-Za-z0-9_$]+)[;\\x01-\\x1f]");

    @Test
    void theKernelPackageUsesNothingOfTheLayerPackage() throws IOException {
        Path dir = Path.of(FastLayer.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .getPath())
                .resolve("bnlab/nn/kernel");
        List<String> uses = new ArrayList<>();
        int classes = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (!f.toString().endsWith(".class")) {
                    continue;
                }
                classes++;
                Matcher m = LAYER_CLASS.matcher(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
                while (m.find()) {
                    uses.add(f.getFileName() + " -> bnlab.nn." + m.group(1));
                }
            }
        }
        assertTrue(classes > 15, "found " + classes + " kernel classes in " + dir);
        assertEquals(List.of(), uses, "the engine must not depend on the layers");
    }

    @Test
    void theCheckSeesAReferenceWhenThereIsOne() {
        assertTrue(LAYER_CLASS
                .matcher("\u0001\u0000\u0012bnlab/nn/Parameter\u0001")
                .find());
        assertTrue(!LAYER_CLASS
                .matcher("\u0001\u0000\u0012bnlab/nn/kernel/Tensor\u0001")
                .find());
    }
}
