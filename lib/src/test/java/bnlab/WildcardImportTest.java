package bnlab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A student's {@code import bnlab.nn.*;} (in a notebook or jshell) must work: no public class of
 * the library may share its simple name with a class of a package Java or the notebook kernels
 * import on demand anyway ({@code java.lang.*}, jshell's default imports, JJava's
 * {@code java.time.*}), or every use of that name becomes "reference to X is ambiguous".
 * {@code bnlab.nn.Module} did exactly that with {@code java.lang.Module}.
 */
class WildcardImportTest {

    /** Packages imported on demand before the student writes a line (java.lang always; the rest by jshell or JJava). */
    private static final List<String> IMPLICIT = List.of(
            "java.lang",
            "java.io",
            "java.math",
            "java.net",
            "java.nio.file",
            "java.util",
            "java.util.concurrent",
            "java.util.function",
            "java.util.prefs",
            "java.util.regex",
            "java.util.stream",
            "java.time");

    /** The packages a notebook imports with a wildcard. */
    private static final List<String> LIBRARY =
            List.of("bnlab", "bnlab.nn", "bnlab.train", "bnlab.data", "bnlab.experiments", "bnlab.viz", "bnlab.dl4j");

    /** The implicitly imported class {@code simpleName} would clash with, or null. */
    static String clash(String simpleName) {
        for (String p : IMPLICIT) {
            try {
                Class<?> c = Class.forName(p + "." + simpleName, false, ClassLoader.getPlatformClassLoader());
                if (java.lang.reflect.Modifier.isPublic(c.getModifiers())) {
                    return c.getName();
                }
            } catch (ClassNotFoundException e) {
                // no clash in this package
            }
        }
        return null;
    }

    @Test
    void theCheckRecognizesTheOldClash() {
        assertEquals("java.lang.Module", clash("Module"));
        assertEquals("java.util.List", clash("List"));
        assertEquals(null, clash("Layer"));
    }

    @Test
    void noPublicLibraryClassSharesANameWithAnImplicitImport() throws IOException, ClassNotFoundException {
        Path classes = Path.of(Layerless.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .getPath())
                .getParent()
                .resolve("classes");
        List<String> clashes = new ArrayList<>();
        int checked = 0;
        for (String pkg : LIBRARY) {
            Path dir = classes.resolve(pkg.replace('.', '/'));
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    String file = f.getFileName().toString();
                    if (!file.endsWith(".class") || file.contains("$") || file.equals("package-info.class")) {
                        continue;
                    }
                    String name = file.substring(0, file.length() - ".class".length());
                    Class<?> c =
                            Class.forName(pkg + "." + name, false, getClass().getClassLoader());
                    if (!java.lang.reflect.Modifier.isPublic(c.getModifiers())) {
                        continue;
                    }
                    checked++;
                    String other = clash(name);
                    if (other != null) {
                        clashes.add(c.getName() + " vs " + other);
                    }
                }
            }
        }
        assertTrue(checked > 50, "found only " + checked + " public classes under " + classes);
        assertEquals(List.of(), clashes, "rename these library classes: a wildcard import makes them ambiguous");
    }

    /** What a notebook writes: wildcard imports of the library, then the names from it. */
    @Test
    void aNotebookWithWildcardImportsCompiles(@TempDir Path out) {
        String source =
                """
                import bnlab.nn.*;
                import bnlab.train.*;
                import bnlab.data.*;
                import org.nd4j.linalg.api.ndarray.INDArray;
                class Probe {
                    Layer layer = new Sigmoid();
                    Sequential net = new Sequential(new Flatten(), new Linear(4, 2), layer);
                    INDArray step(INDArray x) {
                        return net.forward(x);
                    }
                    Classifier classifier = new ScratchClassifier("probe", net, 0.1);
                }
                """;
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter errors = new StringWriter();
        JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///Probe.java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        boolean ok = javac.getTask(
                        errors,
                        null,
                        null,
                        List.of(
                                "-classpath",
                                System.getProperty("java.class.path"),
                                "-d",
                                out.toString(),
                                "-proc:none"),
                        null,
                        List.of(file))
                .call();
        assertTrue(ok, "a notebook's wildcard imports do not compile:\n" + errors);
    }

    /** A class of the test output folder, to find target/classes beside it. */
    private static final class Layerless {}
}
