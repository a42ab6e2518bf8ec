package bnlab.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The header of an IDX file: its kind (from the magic number) and its dimensions, the first of
 * which is the item count. Checked against the expected kind and, if given, the spec, before
 * any data is read, so a wrong file fails fast and never makes a huge allocation.
 */
record IdxHeader(IdxKind kind, int[] dims) {

    /** Bytes a Java array may hold. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    /** Reads and checks the header at the start of {@code in}; {@code spec} may be null. */
    static IdxHeader read(Path file, InputStream in, IdxKind kind, DataFile spec) throws IOException {
        // The magic number first: a file of the wrong kind is reported as such, not as truncated.
        int magic = ByteBuffer.wrap(IdxReader.readExactly(file, in, 4, "the magic number"))
                .getInt();
        if (magic != kind.magic()) {
            IdxKind other = IdxKind.ofMagic(magic);
            String found = other != null
                    ? "an IDX " + name(other) + " file"
                    : String.format("not an IDX file (first four bytes 0x%08x)", magic);
            throw IdxReader.bad(
                    file,
                    String.format(
                            "is %s: expected IDX %s, magic number %d (0x%08x)",
                            found, name(kind), kind.magic(), kind.magic()));
        }
        int[] dims = new int[kind.dimensions()];
        ByteBuffer bytes = ByteBuffer.wrap(IdxReader.readExactly(file, in, 4 * dims.length, "the header"));
        for (int i = 0; i < dims.length; i++) {
            dims[i] = bytes.getInt();
            if (dims[i] < (i == 0 ? 0 : 1)) {
                throw IdxReader.bad(file, "has an impossible size " + dims[i] + " in its header");
            }
        }
        IdxHeader header = new IdxHeader(kind, dims);
        header.check(file, spec);
        return header;
    }

    private void check(Path file, DataFile spec) {
        if (spec != null && count() != spec.count()) {
            throw IdxReader.bad(file, "holds " + count() + " items, expected " + spec.count() + " for " + spec.name());
        }
        long total = kind.headerBytes() + bodyBytes();
        if (spec != null && total != spec.size()) {
            throw IdxReader.bad(
                    file,
                    "its header promises " + total + " bytes, expected " + spec.size() + " for " + spec.name()
                            + " (wrong image size)");
        }
        if (bodyBytes() > MAX_ARRAY) {
            throw IdxReader.bad(
                    file, "its header promises " + bodyBytes() + " data bytes, more " + "than fit in one Java array");
        }
    }

    int count() {
        return dims[0];
    }

    /** Bytes of data after the header: the product of the dimensions. */
    long bodyBytes() {
        long product = 1;
        for (int d : dims) product *= d;
        return product;
    }

    /** What the header promises, in words, for error messages: "10000 images of 28x28". */
    String promise() {
        return kind == IdxKind.IMAGES ? dims[0] + " images of " + dims[1] + "x" + dims[2] : dims[0] + " labels";
    }

    private static String name(IdxKind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }
}
