package bnlab.train;

import bnlab.Lab;
import bnlab.Nd4jBuild;
import bnlab.data.ImageDataset;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The definition of a training run as one hash, the name a {@link RunCache} stores the run under.
 * A run is a pure function of what goes in here: the network as built, before training (every
 * module's class and settings and its initial parameters, the optimizer and its learning rate),
 * the training and test data (their images and labels), epochs, batch size, the seed of the data
 * order, the measurements taken after each epoch, the library's build (a hash of its class files)
 * and the numerics of the machine (Java version, the engine's vector width and threads, ND4J's
 * native build).
 *
 * <p>A run is <b>cacheable</b> only when everything in it can be read by {@link ObjectWalk}: the
 * library's own classes, arrays, numbers, datasets. A network or measurement that holds a class
 * written in a notebook, or a lambda, is not: its code is not part of the library build, so a
 * student who edits the cell would get a stale result. Such a run has no hash and always trains;
 * {@link #reason()} says why.
 */
public final class RunKey {

    /** Bumped whenever what a run's entry holds changes meaning. */
    static final int FORMAT = 1;

    private static final Map<ImageDataset, String> DATASETS = new WeakHashMap<>();

    private final String hash;
    private final String reason;

    private RunKey(String hash, String reason) {
        this.hash = hash;
        this.reason = reason;
    }

    /** Starts a key; add every part of the run's definition, then {@link Builder#build()}. */
    public static Builder builder() {
        String library;
        try {
            library = LibraryBuild.hash();
        } catch (RuntimeException e) {
            library = null;
        }
        Builder b = new Builder(library == null ? "unknown" : library);
        if (library == null) {
            b.reason = "the library's class files could not be read to fingerprint its build";
        }
        return b;
    }

    /** Whether the run can be stored and loaded. */
    public boolean cacheable() {
        return hash != null;
    }

    /** The hash, 64 hex digits (null when not cacheable). */
    public String hash() {
        return hash;
    }

    /** Why the run is not cacheable (null when it is). */
    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return cacheable() ? "RunKey(" + hash.substring(0, 12) + "…)" : "RunKey(not cacheable: " + reason + ")";
    }

    /**
     * Whether {@code value} holds a random generator (dropout's masks, noise): a forward pass in
     * training mode then changes what the next one draws. False if {@code value} cannot be read.
     */
    public static boolean holdsRandomGenerator(Object value) {
        boolean[] found = {false};
        try {
            ObjectWalk.walk("value", value, new ObjectWalk.Visitor() {
                @Override
                public void enter(String path, Class<?> type, int length) {
                    // bnlab.nn.SplitMix is package-private there: known by name
                    found[0] |= type.getName().equals("bnlab.nn.SplitMix")
                            || java.util.Random.class.isAssignableFrom(type)
                            || type == java.util.SplittableRandom.class;
                }

                @Override
                public void random(String path, Object generator, List<Field> state, ObjectWalk.Place place) {
                    found[0] = true;
                }
            });
        } catch (ObjectWalk.Unreadable | RuntimeException e) {
            return false;
        }
        return found[0];
    }

    /** SHA-256 of a dataset's size, image shape, pixels and labels; computed once per dataset object. */
    static String contentHash(ImageDataset d) {
        synchronized (DATASETS) {
            String h = DATASETS.get(d);
            if (h != null) {
                return h;
            }
        }
        MessageDigest md = sha256();
        int n = d.size();
        int rows = d.rows();
        int cols = d.cols();
        md.update(ByteBuffer.allocate(12).putInt(n).putInt(rows).putInt(cols).array());
        byte[] image = new byte[rows * cols];
        ByteBuffer labels = ByteBuffer.allocate(4 * n);
        for (int i = 0; i < n; i++) {
            for (int r = 0, k = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    image[k++] = (byte) d.pixel(i, r, c);
                }
            }
            md.update(image);
            labels.putInt(d.label(i));
        }
        md.update(labels.array());
        String h = HexFormat.of().formatHex(md.digest());
        synchronized (DATASETS) {
            DATASETS.put(d, h);
        }
        return h;
    }

    /**
     * The parts of the machine that change a run's numbers: Java's version, the processor
     * architecture, the engine (on or off, its vector width) and how many threads split one
     * step's work, and ND4J's native build.
     */
    static String numerics(int threads) {
        String engine = bnlab.nn.kernel.FastSequential.describe().replaceAll("\\d+ threads?", threads + " threads");
        return "java " + System.getProperty("java.version") + ", " + System.getProperty("os.arch") + ", " + engine
                + ", ND4J " + Nd4jBuild.loaded();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Collects the parts of a run's definition. */
    public static final class Builder {

        private final MessageDigest md = sha256();
        private final DataOutputStream out =
                new DataOutputStream(new DigestOutputStream(OutputStream.nullOutputStream(), md));
        private String reason;
        private boolean threadsSet;

        /** {@code library}: the hash of the library's class files ({@link LibraryBuild#hash()}). */
        Builder(String library) {
            text("bnlab run " + FORMAT);
            text("library " + library);
            for (String component : List.of("nd4j", "dl4j")) {
                text(component + " " + Lab.version(component));
            }
        }

        /** A named part: a number, a string, a network, a measurement — anything {@link ObjectWalk} reads. */
        public Builder add(String name, Object value) {
            if (reason != null) {
                return this;
            }
            text("part " + name);
            try {
                ObjectWalk.walk(name, value, new Hasher(out));
            } catch (ObjectWalk.Unreadable e) {
                reason = name + " holds " + e.getMessage();
            } catch (RuntimeException e) {
                // whatever goes wrong here costs a training run, never the run itself
                reason = name + " could not be fingerprinted (" + e + ")";
            }
            return this;
        }

        /** How many threads split the work of one training step (1 for runs trained side by side). */
        public Builder threads(int threads) {
            try {
                text("machine " + numerics(threads));
            } catch (RuntimeException e) {
                reason = reason != null ? reason : "the machine's numerics could not be read (" + e + ")";
            }
            threadsSet = true;
            return this;
        }

        public RunKey build() {
            if (!threadsSet) {
                throw new IllegalStateException("say how many threads split a step: threads(n)");
            }
            return reason != null
                    ? new RunKey(null, reason)
                    : new RunKey(HexFormat.of().formatHex(md.digest()), null);
        }

        private void text(String s) {
            try {
                out.writeUTF(s);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Writes what the walk reports into the digest. */
    private record Hasher(DataOutputStream out) implements ObjectWalk.Visitor {

        @Override
        public void enter(String path, Class<?> type, int length) {
            write(() -> {
                out.writeUTF("E" + path);
                out.writeUTF(type.getName());
                out.writeInt(length);
            });
        }

        @Override
        public void value(String path, Object value, ObjectWalk.Place place) {
            write(() -> {
                out.writeUTF("V" + path);
                out.writeUTF(value.getClass().getName());
                out.writeUTF(value instanceof Enum<?> e ? e.name() : value.toString());
            });
        }

        @Override
        public void array(String path, INDArray a, ObjectWalk.Place place) {
            write(() -> {
                out.writeUTF("A" + path);
                ArraySnapshot.of(a).writeTo(out);
            });
        }

        @Override
        public void primitives(String path, Object array, ObjectWalk.Place place) {
            write(() -> {
                out.writeUTF("P" + path);
                PrimitiveArrays.write(out, array);
            });
        }

        @Override
        public void dataset(String path, ImageDataset d) {
            write(() -> out.writeUTF("D" + path + " " + contentHash(d)));
        }

        @Override
        public void random(String path, Object generator, List<Field> state, ObjectWalk.Place place) {
            write(() -> {
                out.writeUTF("R" + path);
                out.writeUTF(generator.getClass().getName());
                for (Field f : state) {
                    Object v = ObjectWalk.read(f, generator);
                    out.writeUTF(f.getName() + "=" + (v instanceof AtomicLong l ? l.get() : v));
                }
            });
        }

        @Override
        public void network(String path, MultiLayerNetwork net, ObjectWalk.Place place) {
            write(() -> {
                out.writeUTF("N" + path);
                out.write(net.getLayerWiseConfigurations().toJson().getBytes(StandardCharsets.UTF_8));
                ArraySnapshot.of(net.params()).writeTo(out);
                INDArray updater =
                        net.getUpdater() == null ? null : net.getUpdater().getStateViewArray();
                out.writeBoolean(updater != null);
                if (updater != null) {
                    ArraySnapshot.of(updater).writeTo(out);
                }
            });
        }

        @Override
        public void reference(String path, int id, Object target) {
            write(() -> out.writeUTF("@" + path + " " + id));
        }

        @Override
        public void nothing(String path) {
            write(() -> out.writeUTF("0" + path));
        }

        private interface Io {
            void run() throws IOException;
        }

        private static void write(Io io) {
            try {
                io.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
