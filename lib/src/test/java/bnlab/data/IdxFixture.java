package bnlab.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * A tiny Fashion-MNIST look-alike built in memory: the four official file names, 5 training and
 * 3 test images of 4 x 3, with specs carrying the fixture's own checksums.
 */
final class IdxFixture {

    static final int ROWS = 4;
    static final int COLS = 3;
    static final int TRAIN = 5;
    static final int TEST = 3;

    final Map<DataFile, byte[]> raw = new LinkedHashMap<>();
    final Map<DataFile, byte[]> gz = new LinkedHashMap<>();
    final FashionMnistFiles files;

    IdxFixture() {
        files = new FashionMnistFiles(
                add("train-images-idx3-ubyte", IdxKind.IMAGES, TRAIN, images(TRAIN, ROWS, COLS, 0)),
                add("train-labels-idx1-ubyte", IdxKind.LABELS, TRAIN, labels(TRAIN, 0)),
                add("t10k-images-idx3-ubyte", IdxKind.IMAGES, TEST, images(TEST, ROWS, COLS, 100)),
                add("t10k-labels-idx1-ubyte", IdxKind.LABELS, TEST, labels(TEST, 7)));
    }

    private DataFile add(String name, IdxKind kind, int count, byte[] bytes) {
        byte[] compressed = gzip(bytes);
        DataFile spec = new DataFile(name, kind, count, md5(compressed), sha256(bytes), bytes.length);
        raw.put(spec, bytes);
        gz.put(spec, compressed);
        return spec;
    }

    /** Pixel (i, r, c) of the fixture whose first image is number {@code first}. */
    static int pixel(int first, int i, int r, int c) {
        return ((first + i) * 37 + r * 11 + c * 5) % 256;
    }

    /** Label of example i of the fixture whose first label is {@code first}. */
    static int label(int first, int i) {
        return (first + i) % 10;
    }

    static byte[] images(int count, int rows, int cols, int first) {
        ByteBuffer b = ByteBuffer.allocate(16 + count * rows * cols);
        b.putInt(IdxKind.IMAGES.magic()).putInt(count).putInt(rows).putInt(cols);
        for (int i = 0; i < count; i++)
            for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) b.put((byte) pixel(first, i, r, c));
        return b.array();
    }

    static byte[] labels(int count, int first) {
        ByteBuffer b = ByteBuffer.allocate(8 + count);
        b.putInt(IdxKind.LABELS.magic()).putInt(count);
        for (int i = 0; i < count; i++) b.put((byte) label(first, i));
        return b.array();
    }

    static byte[] gzip(byte[] bytes) {
        var out = new ByteArrayOutputStream();
        try (var gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static String md5(byte[] bytes) {
        return Checksums.hex(Checksums.md5().digest(bytes));
    }

    static String sha256(byte[] bytes) {
        return Checksums.hex(Checksums.sha256().digest(bytes));
    }

    /** Writes every file as {@code name.gz} into {@code dir}; returns dir. */
    Path writeGz(Path dir) {
        gz.forEach((spec, bytes) -> write(dir.resolve(spec.gzName()), bytes));
        return dir;
    }

    /** Writes every file raw (no .gz) into {@code dir}; returns dir. */
    Path writeRaw(Path dir) {
        raw.forEach((spec, bytes) -> write(dir.resolve(spec.name()), bytes));
        return dir;
    }

    static Path write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
