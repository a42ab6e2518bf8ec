package bnlab.train;

import bnlab.data.Batch;
import bnlab.data.ImageDataset;
import bnlab.nn.Layer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A trained network's state, as the run cache saves it: every array (parameters, moving
 * statistics, gradients of the last step), every mutable number (step counters, mode switches)
 * and random generator the network holds, by path, like PyTorch's {@code state_dict} but found by
 * {@link ObjectWalk}. Restoring writes it into a freshly built network of the same definition.
 *
 * <p>The places of the state are taken from the network as built, before training
 * ({@link #layout}): what a new network does not hold yet (the fast engine's working arrays, the
 * last forward pass's caches) is not state. Whether a restored network is the trained one is
 * checked, not assumed: the saved entry holds the trained network's outputs for the first test
 * images in inference mode ({@link #probe}), and a restored network must give them bit for bit.
 */
public final class NetworkState {

    /** A Java random generator's fields by name. */
    private record RandomState(Map<String, Object> fields) {}

    /** A DL4J network's parameters (which include its batch norms' moving statistics) and updater state. */
    private record Dl4jState(ArraySnapshot params, ArraySnapshot updater, int iterations, int epochs) {}

    private record EnumName(String name) {}

    private final Map<String, Object> leaves;

    private NetworkState(Map<String, Object> leaves) {
        this.leaves = leaves;
    }

    /** Where a network keeps its state: every array, number and generator, by path and place. */
    public static final class Layout {
        private final Object root;
        private final Map<String, ObjectWalk.Place> places;

        private Layout(Object root, Map<String, ObjectWalk.Place> places) {
            this.root = root;
            this.places = places;
        }
    }

    /**
     * The places of {@code net}'s state, found in the freshly built network (before training):
     * what {@link #capture} later reads and {@link #restoreInto} writes. Forward-pass caches
     * and the fast engine, which a new network does not have yet, are not among them.
     */
    public static Layout layout(Classifier net) {
        Map<String, ObjectWalk.Place> places = new LinkedHashMap<>();
        try {
            ObjectWalk.walk("classifier", net, new ObjectWalk.Visitor() {

                @Override
                public void value(String path, Object value, ObjectWalk.Place place) {
                    if (place.field() != null
                            && !Modifier.isFinal(place.field().getModifiers())
                            && !place.owner().getClass().isRecord()) {
                        places.put(path, place); // a mutable number, switch or name; settings are final
                    }
                }

                @Override
                public void array(String path, INDArray a, ObjectWalk.Place place) {
                    places.put(path, place);
                }

                @Override
                public void primitives(String path, Object array, ObjectWalk.Place place) {
                    places.put(path, place);
                }

                @Override
                public void random(String path, Object generator, List<Field> state, ObjectWalk.Place place) {
                    places.put(path, place);
                }

                @Override
                public void network(String path, MultiLayerNetwork n, ObjectWalk.Place place) {
                    places.put(path, place);
                }
            });
        } catch (ObjectWalk.Unreadable e) {
            throw new IllegalArgumentException("the network's state cannot be read: it holds " + e.getMessage(), e);
        }
        return new Layout(net, places);
    }

    /** The state now at the places of {@code layout} (e.g. after training the network it was taken from). */
    static NetworkState capture(Layout layout) {
        Map<String, Object> leaves = new LinkedHashMap<>();
        for (var e : layout.places.entrySet()) {
            Object now = e.getValue().current(layout.root);
            if (now != null) {
                leaves.put(e.getKey(), snapshot(now));
            }
        }
        return new NetworkState(leaves);
    }

    private static Object snapshot(Object now) {
        if (now instanceof INDArray a) {
            return ArraySnapshot.of(a);
        }
        if (now instanceof MultiLayerNetwork n) {
            INDArray u = n.getUpdater() == null ? null : n.getUpdater().getStateViewArray();
            return new Dl4jState(
                    ArraySnapshot.of(n.params()),
                    u == null ? null : ArraySnapshot.of(u),
                    n.getLayerWiseConfigurations().getIterationCount(),
                    n.getLayerWiseConfigurations().getEpochCount());
        }
        if (now instanceof java.util.Random || now instanceof java.util.SplittableRandom) {
            Map<String, Object> fields = new LinkedHashMap<>();
            for (Field f : now.getClass().getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers())
                        && (f.getType().isPrimitive() || f.getType() == AtomicLong.class)
                        && f.trySetAccessible()) {
                    Object v = ObjectWalk.read(f, now);
                    fields.put(f.getName(), v instanceof AtomicLong l ? l.get() : v);
                }
            }
            return new RandomState(fields);
        }
        if (now.getClass().isArray()) {
            return copy(now);
        }
        return now instanceof Enum<?> e ? new EnumName(e.name()) : now;
    }

    /**
     * Writes this state into the places of {@code layout} (a freshly built network of the same
     * definition); false if it does not fit (an array of another shape, a part missing).
     */
    boolean restoreInto(Layout layout) {
        if (!layout.places.keySet().equals(leavesAt(layout))) {
            return false;
        }
        for (var e : layout.places.entrySet()) {
            Object leaf = leaves.get(e.getKey());
            ObjectWalk.Place place = e.getValue();
            Object now = place.current(layout.root);
            if (leaf == null || now == null) {
                continue;
            }
            if (now instanceof INDArray
                    || now instanceof MultiLayerNetwork
                    || now.getClass().isArray()
                    || now instanceof java.util.Random
                    || now instanceof java.util.SplittableRandom) {
                if (!write(leaf, now)) {
                    return false;
                }
            } else {
                Object v = leaf instanceof EnumName n ? enumValue(((Enum<?>) now).getDeclaringClass(), n.name()) : leaf;
                try {
                    place.field().set(place.owner(), v);
                } catch (IllegalAccessException | IllegalArgumentException ex) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The paths of {@code layout} this state has a value for (a path whose value was null is left out of both). */
    private java.util.Set<String> leavesAt(Layout layout) {
        java.util.Set<String> have = new java.util.HashSet<>();
        for (var e : layout.places.entrySet()) {
            if (leaves.containsKey(e.getKey()) || e.getValue().current(layout.root) == null) {
                have.add(e.getKey());
            }
        }
        return have;
    }

    private static boolean write(Object leaf, Object target) {
        if (leaf instanceof ArraySnapshot s && target instanceof INDArray a) {
            if (!s.fits(a)) {
                return false;
            }
            s.restoreInto(a);
            return true;
        }
        if (target.getClass().isArray()
                && leaf.getClass() == target.getClass()
                && java.lang.reflect.Array.getLength(leaf) == java.lang.reflect.Array.getLength(target)) {
            System.arraycopy(leaf, 0, target, 0, java.lang.reflect.Array.getLength(leaf));
            return true;
        }
        if (leaf instanceof RandomState r) {
            try {
                for (Field f : target.getClass().getDeclaredFields()) {
                    if (Modifier.isStatic(f.getModifiers()) || !r.fields().containsKey(f.getName())) {
                        continue;
                    }
                    f.setAccessible(true);
                    Object v = r.fields().get(f.getName());
                    if (f.get(target) instanceof AtomicLong l) {
                        l.set((Long) v);
                    } else if (!Modifier.isFinal(f.getModifiers())) {
                        f.set(target, v);
                    } else if (!f.get(target).equals(v)) {
                        return false;
                    }
                }
                return true;
            } catch (ReflectiveOperationException | RuntimeException e) {
                return false;
            }
        }
        if (leaf instanceof Dl4jState d && target instanceof MultiLayerNetwork n) {
            if (!d.params().fits(n.params())) {
                return false;
            }
            d.params().restoreInto(n.params());
            INDArray u = n.getUpdater() == null ? null : n.getUpdater().getStateViewArray();
            if ((u == null) != (d.updater() == null)
                    || (u != null && !d.updater().fits(u))) {
                return false;
            }
            if (u != null) {
                d.updater().restoreInto(u);
            }
            n.getLayerWiseConfigurations().setIterationCount(d.iterations());
            n.getLayerWiseConfigurations().setEpochCount(d.epochs());
            return true;
        }
        return false;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object enumValue(Class<?> type, String name) {
        return Enum.valueOf((Class) type, name);
    }

    private static Object copy(Object array) {
        int n = java.lang.reflect.Array.getLength(array);
        Object c = java.lang.reflect.Array.newInstance(array.getClass().getComponentType(), n);
        System.arraycopy(array, 0, c, 0, n);
        return c;
    }

    /** How many test images the probe runs: enough to pin every weight, few enough to cost milliseconds in a cold JVM. */
    static final int PROBE_IMAGES = 8;

    /**
     * The network's outputs (logits) for the first {@value #PROBE_IMAGES} test images in inference
     * mode, as doubles; null for a network this cannot run (neither our modules nor one DL4J
     * network). Leaves a network of modules in training mode, as the trainer's test evaluation does.
     */
    static double[] probe(Classifier net, ImageDataset test) {
        if (test.size() == 0) {
            return null;
        }
        Batch b = test.batches(Math.min(PROBE_IMAGES, test.size())).iterator().next();
        INDArray out;
        if (net instanceof ScratchClassifier m) {
            Layer module = m.net();
            module.eval();
            try {
                out = module.forward(b.x());
            } finally {
                module.train();
            }
        } else {
            List<MultiLayerNetwork> found = new ArrayList<>();
            try {
                ObjectWalk.walk("classifier", net, new Finder(found));
            } catch (ObjectWalk.Unreadable e) {
                return null;
            }
            if (found.size() != 1) {
                return null;
            }
            out = found.get(0).output(b.x(), false);
        }
        double[] v = ArraySnapshot.of(out).reals();
        if (b.x().closeable()) {
            b.x().close();
        }
        return v;
    }

    /** Finds the DL4J networks a classifier holds. */
    private record Finder(List<MultiLayerNetwork> found) implements ObjectWalk.Visitor {
        @Override
        public void network(String path, MultiLayerNetwork net, ObjectWalk.Place place) {
            found.add(net);
        }

        @Override
        public void unreadable(String path, ObjectWalk.Unreadable why) {}
    }

    /** How many values (arrays, numbers, generators) the state holds. */
    int size() {
        return leaves.size();
    }

    void writeTo(DataOutputStream out) throws IOException {
        out.writeInt(leaves.size());
        for (var e : leaves.entrySet()) {
            out.writeUTF(e.getKey());
            writeLeaf(out, e.getValue());
        }
    }

    static NetworkState readFrom(DataInputStream in) throws IOException {
        int n = in.readInt();
        Map<String, Object> leaves = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            leaves.put(in.readUTF(), readLeaf(in));
        }
        return new NetworkState(leaves);
    }

    private static void writeLeaf(DataOutputStream out, Object v) throws IOException {
        if (v instanceof ArraySnapshot s) {
            out.writeByte('A');
            s.writeTo(out);
        } else if (v instanceof RandomState r) {
            out.writeByte('R');
            out.writeInt(r.fields().size());
            for (var e : r.fields().entrySet()) {
                out.writeUTF(e.getKey());
                writeLeaf(out, e.getValue());
            }
        } else if (v instanceof Dl4jState d) {
            out.writeByte('N');
            d.params().writeTo(out);
            out.writeBoolean(d.updater() != null);
            if (d.updater() != null) {
                d.updater().writeTo(out);
            }
            out.writeInt(d.iterations());
            out.writeInt(d.epochs());
        } else if (v instanceof EnumName e) {
            out.writeByte('E');
            out.writeUTF(e.name());
        } else if (v.getClass().isArray()) {
            out.writeByte('P');
            PrimitiveArrays.write(out, v);
        } else if (v instanceof String s) {
            out.writeByte('S');
            RunRecord.writeString(out, s);
        } else if (v instanceof Boolean b) {
            out.writeByte('Z');
            out.writeBoolean(b);
        } else if (v instanceof Character c) {
            out.writeByte('C');
            out.writeChar(c);
        } else if (v instanceof Byte b) {
            out.writeByte('B');
            out.writeByte(b);
        } else if (v instanceof Short s) {
            out.writeByte('H');
            out.writeShort(s);
        } else if (v instanceof Integer i) {
            out.writeByte('I');
            out.writeInt(i);
        } else if (v instanceof Long l) {
            out.writeByte('J');
            out.writeLong(l);
        } else if (v instanceof Float f) {
            out.writeByte('F');
            out.writeInt(Float.floatToRawIntBits(f));
        } else if (v instanceof Double d) {
            out.writeByte('D');
            out.writeLong(Double.doubleToRawLongBits(d));
        } else {
            throw new IllegalArgumentException("cannot save a " + v.getClass());
        }
    }

    private static Object readLeaf(DataInputStream in) throws IOException {
        char tag = (char) in.readByte();
        return switch (tag) {
            case 'A' -> ArraySnapshot.readFrom(in);
            case 'R' -> {
                int n = in.readInt();
                Map<String, Object> fields = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    fields.put(in.readUTF(), readLeaf(in));
                }
                yield new RandomState(fields);
            }
            case 'N' -> {
                ArraySnapshot params = ArraySnapshot.readFrom(in);
                ArraySnapshot updater = in.readBoolean() ? ArraySnapshot.readFrom(in) : null;
                yield new Dl4jState(params, updater, in.readInt(), in.readInt());
            }
            case 'E' -> new EnumName(in.readUTF());
            case 'P' -> PrimitiveArrays.read(in);
            case 'S' -> RunRecord.readString(in);
            case 'Z' -> in.readBoolean();
            case 'C' -> in.readChar();
            case 'B' -> in.readByte();
            case 'H' -> in.readShort();
            case 'I' -> in.readInt();
            case 'J' -> in.readLong();
            case 'F' -> Float.intBitsToFloat(in.readInt());
            case 'D' -> Double.longBitsToDouble(in.readLong());
            default -> throw new IOException("unknown entry in a saved network state: " + tag);
        };
    }
}
