package bnlab.data;

/** The two kinds of IDX file Fashion-MNIST uses, with the magic number and rank of each. */
public enum IdxKind {
    /** {@code idx3-ubyte}: magic 2051, dimensions count x rows x cols, one unsigned byte a pixel. */
    IMAGES(0x0803, 3),
    /** {@code idx1-ubyte}: magic 2049, one dimension (count), one byte (0..9) a label. */
    LABELS(0x0801, 1);

    private final int magic;
    private final int dimensions;

    IdxKind(int magic, int dimensions) {
        this.magic = magic;
        this.dimensions = dimensions;
    }

    /** The first four bytes of the file, big-endian: 0x0000 08 (unsigned byte) + rank. */
    public int magic() {
        return magic;
    }

    public int dimensions() {
        return dimensions;
    }

    /** Header size in bytes: the magic number and one int per dimension. */
    public int headerBytes() {
        return 4 * (1 + dimensions);
    }

    /** The kind whose magic number this is, or null. */
    static IdxKind ofMagic(int magic) {
        for (IdxKind kind : values()) {
            if (kind.magic == magic) return kind;
        }
        return null;
    }
}
