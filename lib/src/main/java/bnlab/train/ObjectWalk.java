package bnlab.train;

import bnlab.data.ImageDataset;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A walk over everything an object holds, field by field, in a fixed order: what the run cache
 * fingerprints (a network before training, a measurement) and what it saves and restores (a
 * network after training). Each thing reached gets a path ({@code .net.layers[1].movingMean}).
 *
 * <p>It reads only what it can name exactly: the library's own classes (every instance field,
 * superclasses first), ND4J arrays (type, shape, values), datasets (their images and labels),
 * numbers, strings, enums, arrays, lists and ordered maps, Java's random generators (their
 * internal seed, which needs {@code --add-opens java.base/java.util=ALL-UNNAMED}) and a DL4J
 * {@link MultiLayerNetwork} (its configuration and parameters). Anything else — a class written in
 * a notebook cell, a lambda, an unordered set — is {@link Unreadable}: its code or order is not
 * something a fingerprint can capture.
 */
final class ObjectWalk {

    /** Why an object cannot be walked, in words for the reader of a notebook. */
    static final class Unreadable extends Exception {
        Unreadable(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Where a thing sits: field {@code field} of {@code owner}, or item {@code index} of
     * {@code owner} (a list or an array; field null), or the root (both null).
     */
    record Place(Object owner, Field field, int index) {

        static final Place ROOT = new Place(null, null, -1);

        /** A place that always holds {@code thing} (an entry of a map). */
        static Place fixed(Object thing) {
            return new Place(thing, null, -2);
        }

        /** What sits there now. */
        Object current(Object root) {
            if (index == -2) {
                return owner;
            }
            if (field != null) {
                return read(field, owner);
            }
            if (owner instanceof List<?> l) {
                return l.get(index);
            }
            if (owner instanceof Object[] a) {
                return a[index];
            }
            return root;
        }
    }

    /** What the walk reports, in order; a visitor overrides what it needs (an unreadable object ends the walk). */
    interface Visitor {
        default void enter(String path, Class<?> type, int length) {}

        default void value(String path, Object value, Place place) {}

        default void array(String path, INDArray a, Place place) {}

        default void primitives(String path, Object array, Place place) {}

        default void dataset(String path, ImageDataset d) {}

        default void random(String path, Object generator, List<Field> state, Place place) throws Unreadable {}

        default void network(String path, MultiLayerNetwork net, Place place) {}

        default void reference(String path, int id, Object target) {}

        default void nothing(String path) {}

        default void unreadable(String path, Unreadable why) throws Unreadable {
            throw why;
        }
    }

    private final Visitor visitor;
    private final Map<Object, Integer> ids = new IdentityHashMap<>();

    private ObjectWalk(Visitor visitor) {
        this.visitor = visitor;
    }

    /** Walks {@code root} (named {@code name}), reporting to {@code visitor}. */
    static void walk(String name, Object root, Visitor visitor) throws Unreadable {
        new ObjectWalk(visitor).visit(name, root, Place.ROOT);
    }

    private void visit(String path, Object o, Place place) throws Unreadable {
        if (o == null) {
            visitor.nothing(path);
            return;
        }
        Class<?> c = o.getClass();
        if (o instanceof String || o instanceof Boolean || o instanceof Character || isBoxedNumber(c)) {
            visitor.value(path, o, place);
            return;
        }
        if (o instanceof Enum<?> e) {
            Class<?> type = e.getDeclaringClass();
            if (!LibraryBuild.contains(type) && !isJdk(type) && !isPinnedDependency(type)) {
                visitor.unreadable(path, new Unreadable(what(type) + " (an enum defined outside the BN Lab library)"));
                return;
            }
            visitor.value(path, o, place);
            return;
        }
        Integer seen = ids.get(o);
        if (seen != null) {
            visitor.reference(path, seen, o);
            return;
        }
        ids.put(o, ids.size());
        if (o instanceof INDArray a) {
            visitor.array(path, a, place);
        } else if (o instanceof ImageDataset d) {
            visitor.dataset(path, d);
        } else if (c.isArray()) {
            if (c.getComponentType().isPrimitive()) {
                visitor.primitives(path, o, place);
            } else {
                Object[] items = (Object[]) o;
                visitor.enter(path, c, items.length);
                for (int i = 0; i < items.length; i++) {
                    visit(path + "[" + i + "]", items[i], new Place(items, null, i));
                }
            }
        } else if (o instanceof MultiLayerNetwork net) {
            visitor.network(path, net, place);
        } else if (isJdk(c)) {
            jdkObject(path, o, c, place);
        } else if (LibraryBuild.contains(c)) {
            List<Field> fields;
            try {
                fields = fields(c);
            } catch (Unreadable why) {
                visitor.unreadable(path, why);
                return;
            }
            visitor.enter(path, c, -1);
            for (Field f : fields) {
                visit(path + "." + f.getName(), read(f, o), new Place(o, f, -1));
            }
        } else {
            visitor.unreadable(path, new Unreadable(what(c)));
        }
    }

    private void jdkObject(String path, Object o, Class<?> c, Place place) throws Unreadable {
        if (o instanceof List<?> list) {
            visitor.enter(path, List.class, list.size());
            int i = 0;
            for (Object item : list) {
                visit(path + "[" + i + "]", item, new Place(list, null, i));
                i++;
            }
        } else if (o instanceof LinkedHashMap<?, ?> || o instanceof SortedMap<?, ?>) {
            Map<?, ?> map = (Map<?, ?>) o;
            visitor.enter(path, Map.class, map.size());
            int i = 0;
            for (var e : map.entrySet()) {
                visit(path + "{" + i + "}.key", e.getKey(), Place.fixed(e.getKey()));
                visit(path + "{" + i++ + "}.value", e.getValue(), Place.fixed(e.getValue()));
            }
        } else if (o instanceof java.util.SplittableRandom || c == java.util.Random.class) {
            List<Field> state = new ArrayList<>();
            for (Field f : c.getDeclaredFields()) {
                // the generator's numbers (SplittableRandom also keeps a derived proxy object)
                boolean number =
                        f.getType().isPrimitive() || f.getType() == java.util.concurrent.atomic.AtomicLong.class;
                if (!Modifier.isStatic(f.getModifiers()) && number) {
                    if (!f.trySetAccessible()) {
                        visitor.unreadable(
                                path,
                                new Unreadable(
                                        "a " + c.getName() + " whose seed Java keeps private (start "
                                                + "Java with --add-opens java.base/java.util=ALL-UNNAMED, as the project's kernels do)"));
                        return;
                    }
                    state.add(f);
                }
            }
            state.sort(Comparator.comparing(Field::getName));
            visitor.random(path, o, state, place);
        } else {
            visitor.unreadable(
                    path,
                    new Unreadable("a " + c.getName() + " (the run cache reads only numbers, strings, "
                            + "lists, ordered maps and random generators of Java's own classes)"));
        }
    }

    /** Every instance field of {@code c} and its library superclasses, superclasses first, each class's sorted by name. */
    private static List<Field> fields(Class<?> c) throws Unreadable {
        List<Class<?>> chain = new ArrayList<>();
        for (Class<?> k = c; k != null && k != Object.class && k != Record.class; k = k.getSuperclass()) {
            if (!LibraryBuild.contains(k)) {
                if (Arrays.stream(k.getDeclaredFields()).anyMatch(f -> !Modifier.isStatic(f.getModifiers()))) {
                    throw new Unreadable(what(c) + ", which extends " + k.getName()
                            + ", a class whose state the run cache cannot read");
                }
                continue;
            }
            chain.add(0, k);
        }
        List<Field> all = new ArrayList<>();
        for (Class<?> k : chain) {
            Field[] own = k.getDeclaredFields();
            Arrays.sort(own, Comparator.comparing(Field::getName));
            for (Field f : own) {
                if (!Modifier.isStatic(f.getModifiers())) {
                    f.setAccessible(true);
                    all.add(f);
                }
            }
        }
        return all;
    }

    static Object read(Field f, Object o) {
        try {
            return f.get(o);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read " + f + " of the library", e);
        }
    }

    private static boolean isBoxedNumber(Class<?> c) {
        return c == Integer.class
                || c == Long.class
                || c == Double.class
                || c == Float.class
                || c == Short.class
                || c == Byte.class;
    }

    static boolean isJdk(Class<?> c) {
        Module m = c.getModule();
        return m.isNamed() && (m.getName().startsWith("java.") || m.getName().startsWith("jdk."));
    }

    /** Enums of ND4J and DL4J (data types, layer options): their versions are pinned and part of the key. */
    private static boolean isPinnedDependency(Class<?> c) {
        return c.getName().startsWith("org.nd4j.") || c.getName().startsWith("org.deeplearning4j.");
    }

    /** "a class written in a notebook cell (MyNorm)", "a lambda (...)", or the class's name. */
    static String what(Class<?> c) {
        if (c.isHidden()) {
            return "a lambda or hidden class (" + c.getName().replaceAll("/0x.*", "") + ")";
        }
        var cs =
                c.getProtectionDomain() == null ? null : c.getProtectionDomain().getCodeSource();
        if (cs == null || cs.getLocation() == null) {
            return "an object of class " + c.getName() + ", written in a notebook cell or generated at run time";
        }
        return "an object of class " + c.getName() + " from " + cs.getLocation().getPath()
                + ", outside the BN Lab library";
    }
}
