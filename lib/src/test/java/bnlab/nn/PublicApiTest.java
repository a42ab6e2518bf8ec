package bnlab.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What a student sees of {@code bnlab.nn} is the layers' mathematics and settings, not the fast
 * engine: no public method, constructor or field of a public class of this package takes or
 * returns a type of {@code bnlab.nn.kernel} (the engine's hooks, {@code fastLayer()} and
 * {@code checkInput()}, were public on 15 layers). The one exception is
 * {@link Sequential#engine()}, which the benchmarks use to read per-layer timings.
 * {@code KernelDependencyTest} checks the other direction: the engine uses nothing of the layers.
 */
class PublicApiTest {

    private static final String KERNEL = "bnlab.nn.kernel.";
    private static final Set<String> ALLOWED = Set.of("Sequential.engine()");

    /** Every public class of bnlab.nn, nested ones included, from the compiled classes. */
    private static List<Class<?>> publicClasses() throws IOException, ClassNotFoundException {
        Path dir = Path.of(Layer.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .getPath())
                .resolve("bnlab/nn");
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String file = f.getFileName().toString();
                if (!file.endsWith(".class") || file.equals("package-info.class")) {
                    continue;
                }
                Class<?> c = Class.forName(
                        "bnlab.nn." + file.substring(0, file.length() - ".class".length()),
                        false,
                        Layer.class.getClassLoader());
                if (Modifier.isPublic(c.getModifiers()) && !c.isAnonymousClass() && !c.isSynthetic()) {
                    classes.add(c);
                }
            }
        }
        return classes;
    }

    private static boolean mentionsKernel(Type... types) {
        for (Type t : types) {
            if (t.getTypeName().contains(KERNEL)) {
                return true;
            }
        }
        return false;
    }

    /** Public signatures of {@code c} that name a kernel type, as "Class.member(…)". */
    static Set<String> kernelTypesIn(Class<?> c) {
        Set<String> found = new TreeSet<>();
        List<Executable> members = new ArrayList<>(List.of(c.getMethods()));
        for (Constructor<?> k : c.getConstructors()) {
            members.add(k);
        }
        for (Executable e : members) {
            boolean returns = e instanceof Method m && mentionsKernel(m.getGenericReturnType());
            if (returns
                    || mentionsKernel(e.getGenericParameterTypes())
                    || mentionsKernel(e.getGenericExceptionTypes())) {
                found.add(c.getSimpleName() + "." + (e instanceof Constructor ? "<init>" : e.getName()) + "()");
            }
        }
        for (Field f : c.getFields()) {
            if (mentionsKernel(f.getGenericType())) {
                found.add(c.getSimpleName() + "." + f.getName());
            }
        }
        return found;
    }

    @Test
    void noPublicSignatureOfTheLayersNamesTheEngine() throws Exception {
        List<Class<?>> classes = publicClasses();
        assertTrue(classes.size() > 25, "found " + classes.size() + " public classes in bnlab.nn");
        Set<String> found = new TreeSet<>();
        for (Class<?> c : classes) {
            found.addAll(kernelTypesIn(c));
        }
        found.removeAll(ALLOWED);
        assertEquals(Set.of(), found, "public members of bnlab.nn that show the fast engine to a student");
    }

    /** A public hook like the old {@code public FastLayer fastLayer()} is found. */
    @Test
    void theCheckSeesAnEngineTypeInASignature() {
        assertEquals(Set.of("Sequential.engine()"), kernelTypesIn(Sequential.class));
        assertEquals(Set.of("Exposed.twin()"), kernelTypesIn(Exposed.class));
    }

    /** A class whose public method returns an engine type, as the layers' fastLayer() did. */
    public abstract static class Exposed {
        public abstract bnlab.nn.kernel.FastLayer twin();
    }
}
