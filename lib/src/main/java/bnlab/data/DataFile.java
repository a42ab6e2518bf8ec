package bnlab.data;

import java.util.Objects;

/**
 * What one IDX file must be: its base name, kind, item count and checksums.
 *
 * <p>Two checksums, for two different questions. {@code gzMd5} is the MD5 of the official
 * {@code .gz} as published; it only verifies a <em>download</em> from the official mirror.
 * {@code sha256} and {@code size} describe the <em>decompressed</em> bytes, so they identify any
 * local copy however it was compressed (Debian re-compresses the files, which changes the
 * {@code .gz} MD5 but not these).
 *
 * @param name   base file name without {@code .gz}, e.g. {@code train-images-idx3-ubyte}
 * @param kind   images or labels
 * @param count  number of images or labels the file holds
 * @param gzMd5  lower-case hex MD5 of the published {@code .gz}
 * @param sha256 lower-case hex SHA-256 of the decompressed file
 * @param size   byte size of the decompressed file (header included)
 */
public record DataFile(String name, IdxKind kind, int count, String gzMd5, String sha256, long size) {

    public DataFile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(gzMd5, "gzMd5");
        Objects.requireNonNull(sha256, "sha256");
        if (count < 0 || size < kind.headerBytes()) {
            throw new IllegalArgumentException("bad spec for " + name + ": count " + count + ", size " + size);
        }
        gzMd5 = gzMd5.toLowerCase(java.util.Locale.ROOT);
        sha256 = sha256.toLowerCase(java.util.Locale.ROOT);
    }

    /** The name of the compressed file, as the mirror serves it. */
    public String gzName() {
        return name + ".gz";
    }
}
