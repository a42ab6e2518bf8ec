package bnlab.train;

import bnlab.data.ImageDataset;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the {@link RunCache} keeps of a finished run: its {@link History} (every epoch's figures,
 * the training curves' points, the extra measurements), why it stopped early if it did, named
 * extras a caller adds (e.g. the sigmoid inputs an experiment watched), and, when the network
 * itself is wanted after training, its {@link NetworkState} with the outputs that prove a restore
 * right. Numbers are kept bit for bit: a loaded run reproduces every number of the trained one.
 */
public final class RunRecord {

    private static final String MAGIC = "bnlab-run";

    private final History history;
    private final String failure;
    private final Map<String, Object> extras = new LinkedHashMap<>();
    private NetworkState state;
    private double[] probe;
    private long createdMillis = System.currentTimeMillis();

    /** A run that finished ({@code failure} null) or stopped early; {@code history} may be null if no epoch finished. */
    public RunRecord(History history, String failure) {
        if (history == null && failure == null) {
            throw new IllegalArgumentException("a run without history must say why it stopped");
        }
        this.history = history;
        this.failure = failure;
    }

    public History history() {
        return history;
    }

    public String failure() {
        return failure;
    }

    /** When the run was trained. */
    public long createdMillis() {
        return createdMillis;
    }

    /** Adds named numbers to keep with the run. */
    public RunRecord extra(String name, double[] values) {
        extras.put(name, values.clone());
        return this;
    }

    /** Adds named texts to keep with the run. */
    public RunRecord extra(String name, List<String> texts) {
        extras.put(name, List.copyOf(texts));
        return this;
    }

    /** The numbers kept under {@code name}, or null. */
    public double[] numbers(String name) {
        return extras.get(name) instanceof double[] v ? v.clone() : null;
    }

    /** The texts kept under {@code name}, or null. */
    @SuppressWarnings("unchecked")
    public List<String> texts(String name) {
        return extras.get(name) instanceof List<?> v ? (List<String>) v : null;
    }

    /**
     * Keeps the trained network's state, and its outputs for the first {@code test} images to
     * check a restore by; call right after training, with the {@link NetworkState#layout} taken
     * from the network before it trained. False (nothing kept) when its outputs cannot be probed.
     */
    public boolean keepNetwork(NetworkState.Layout layout, Classifier trained, ImageDataset test) {
        NetworkState s;
        double[] p;
        try {
            s = NetworkState.capture(layout);
            p = NetworkState.probe(trained, test);
        } catch (RuntimeException e) {
            return false; // the run stands; it is just not kept
        }
        if (p == null) {
            return false;
        }
        this.state = s;
        this.probe = p;
        return true;
    }

    /** Whether the trained network's state was kept. */
    public boolean hasNetwork() {
        return state != null;
    }

    /**
     * Writes the kept state into {@code fresh}, a network just built from the same definition,
     * and checks that its outputs on the first {@code test} images are the trained network's bit
     * for bit. If there is no state or it does not match, {@code fresh} is put back as it was and
     * the answer is false.
     */
    public boolean restoreNetwork(Classifier fresh, ImageDataset test) {
        if (state == null) {
            return false;
        }
        NetworkState.Layout layout = NetworkState.layout(fresh);
        NetworkState before = NetworkState.capture(layout);
        try {
            if (state.restoreInto(layout) && Arrays.equals(probe, NetworkState.probe(fresh, test))) {
                return true;
            }
        } catch (RuntimeException e) {
            // a state that does not fit this network: put it back as built, below
        }
        if (!before.restoreInto(layout)) {
            throw new IllegalStateException("the run cache could not put " + fresh.name()
                    + " back as it was built after a failed restore; build the network again");
        }
        return false;
    }

    void writeTo(DataOutputStream out, String key) throws IOException {
        out.writeUTF(MAGIC);
        out.writeInt(RunKey.FORMAT);
        out.writeUTF(key);
        out.writeLong(createdMillis);
        out.writeBoolean(history != null);
        if (history != null) {
            writeHistory(out, history);
        }
        out.writeBoolean(failure != null);
        if (failure != null) {
            writeString(out, failure);
        }
        out.writeInt(extras.size());
        for (var e : extras.entrySet()) {
            out.writeUTF(e.getKey());
            if (e.getValue() instanceof double[] v) {
                out.writeByte('D');
                PrimitiveArrays.write(out, v);
            } else {
                List<?> texts = (List<?>) e.getValue();
                out.writeByte('S');
                out.writeInt(texts.size());
                for (Object t : texts) {
                    writeString(out, (String) t);
                }
            }
        }
        out.writeBoolean(state != null);
        if (state != null) {
            state.writeTo(out);
            PrimitiveArrays.write(out, probe);
        }
    }

    /** Reads a record written by {@link #writeTo}; throws if it is not one, or one of another key or format. */
    static RunRecord readFrom(DataInputStream in, String key) throws IOException {
        if (!MAGIC.equals(in.readUTF()) || in.readInt() != RunKey.FORMAT || !key.equals(in.readUTF())) {
            throw new IOException("not a run of this key and format");
        }
        long created = in.readLong();
        History history = in.readBoolean() ? readHistory(in) : null;
        String failure = in.readBoolean() ? readString(in) : null;
        RunRecord r = new RunRecord(history, failure);
        r.createdMillis = created;
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            char kind = (char) in.readByte();
            if (kind == 'D') {
                r.extras.put(name, PrimitiveArrays.read(in));
            } else if (kind == 'S') {
                int k = in.readInt();
                List<String> texts = new ArrayList<>();
                for (int j = 0; j < k; j++) {
                    texts.add(readString(in));
                }
                r.extras.put(name, Collections.unmodifiableList(texts));
            } else {
                throw new IOException("unknown extra of kind " + kind);
            }
        }
        if (in.readBoolean()) {
            r.state = NetworkState.readFrom(in);
            r.probe = (double[]) PrimitiveArrays.read(in);
        }
        return r;
    }

    private static void writeHistory(DataOutputStream out, History h) throws IOException {
        writeString(out, h.network());
        writeString(out, h.device());
        out.writeInt(h.plannedEpochs());
        out.writeInt(h.points().size());
        for (History.Point p : h.points()) {
            writeDoubles(out, p.epoch(), p.loss(), p.trainAcc());
        }
        out.writeInt(h.epochs().size());
        for (EpochResult e : h.epochs()) {
            out.writeInt(e.epoch());
            writeDoubles(out, e.loss(), e.trainAcc(), e.testAcc());
            out.writeLong(e.examples());
            writeDoubles(out, e.trainSeconds(), e.wallSeconds(), e.rssMiB());
        }
        out.writeInt(h.metricNames().size());
        for (String name : h.metricNames()) {
            writeString(out, name);
            PrimitiveArrays.write(out, h.metric(name));
        }
    }

    private static History readHistory(DataInputStream in) throws IOException {
        History h = new History(readString(in), readString(in), in.readInt());
        int points = in.readInt();
        for (int i = 0; i < points; i++) {
            h.add(new History.Point(readDouble(in), readDouble(in), readDouble(in)));
        }
        int epochs = in.readInt();
        for (int i = 0; i < epochs; i++) {
            h.add(new EpochResult(
                    in.readInt(),
                    readDouble(in),
                    readDouble(in),
                    readDouble(in),
                    in.readLong(),
                    readDouble(in),
                    readDouble(in),
                    readDouble(in)));
        }
        int metrics = in.readInt();
        for (int i = 0; i < metrics; i++) {
            String name = readString(in);
            for (double v : (double[]) PrimitiveArrays.read(in)) {
                h.addMetric(name, v);
            }
        }
        return h;
    }

    private static void writeDoubles(DataOutputStream out, double... values) throws IOException {
        for (double v : values) {
            out.writeLong(Double.doubleToRawLongBits(v));
        }
    }

    private static double readDouble(DataInputStream in) throws IOException {
        return Double.longBitsToDouble(in.readLong());
    }

    /** A string of any length (writeUTF stops at 64 KiB). */
    static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    static String readString(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 1 << 26) {
            throw new IOException("implausible string length " + n);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
