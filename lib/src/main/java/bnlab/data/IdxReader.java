package bnlab.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads one IDX file, gzipped or raw, and checks it: magic number, sizes, label range and,
 * when a {@link DataFile} spec is given, item count, size and SHA-256 of the decompressed bytes.
 *
 * <p>Compression is detected from the gzip magic bytes {@code 1f 8b}, not from the file name,
 * so a raw file called {@code .gz} (or the reverse) still reads.
 */
public final class IdxReader {

    /** Fix for a damaged file when the caller does not know better where it came from. */
    static final String FIX_BAD_FILE = "delete or replace this file; BN Lab then uses the next "
            + "data source and downloads a fresh, verified copy if no other source has one.";

    private static final int BUFFER = 1 << 16;

    private IdxReader() {}

    /** Reads an images file (magic 2051); {@code spec} may be null to skip count and checksum. */
    public static IdxImages readImages(Path file, DataFile spec) {
        Content c = read(file, IdxKind.IMAGES, spec);
        return new IdxImages(c.dims[0], c.dims[1], c.dims[2], c.body);
    }

    /** Reads a labels file (magic 2049), each label in 0..9; {@code spec} may be null. */
    public static int[] readLabels(Path file, DataFile spec) {
        Content c = read(file, IdxKind.LABELS, spec);
        int[] labels = new int[c.body.length];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = c.body[i] & 0xff;
            if (labels[i] >= FashionMnist.NUM_CLASSES) {
                throw bad(
                        file,
                        "label " + labels[i] + " at index " + i + " is outside 0.." + (FashionMnist.NUM_CLASSES - 1)
                                + "; this is not a Fashion-MNIST labels file");
            }
        }
        return labels;
    }

    private record Content(int[] dims, byte[] body) {}

    private static Content read(Path file, IdxKind kind, DataFile spec) {
        try (var buffered = new BufferedInputStream(Files.newInputStream(file), BUFFER)) {
            boolean gzip = startsWithGzipMagic(buffered);
            var sha = Checksums.sha256();
            // The digest sees the decompressed bytes, so it does not depend on the compressor.
            InputStream in = new DigestInputStream(gzip ? new GZIPInputStream(buffered, BUFFER) : buffered, sha);
            IdxHeader header = IdxHeader.read(file, in, kind, spec);
            Content content = new Content(
                    header.dims(),
                    readExactly(
                            file, in, (int) header.bodyBytes(), "the data (" + header.promise() + " by its header)"));
            long trailing = in.transferTo(OutputStream.nullOutputStream());
            if (trailing > 0) {
                throw bad(
                        file,
                        trailing + " unexpected bytes follow the " + content.body.length
                                + " data bytes the header promises (trailing garbage)");
            }
            if (spec != null) {
                String got = Checksums.hex(sha.digest());
                if (!got.equals(spec.sha256())) {
                    throw bad(
                            file,
                            "the decompressed content has SHA-256 " + got + ", expected "
                                    + spec.sha256() + " for " + spec.name()
                                    + ": the file is damaged or is not the official one");
                }
            }
            return content;
        } catch (NoSuchFileException e) {
            throw new DataFileException(file, "does not exist", "check the path", e);
        } catch (EOFException e) {
            // Thrown by GZIPInputStream when the file ends in its header or trailer.
            throw bad(file, "is truncated: the gzip stream ends early", e);
        } catch (ZipException e) {
            throw bad(
                    file, "is corrupt: it starts like a gzip file but does not decompress (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    /** Reads n bytes; a short read is reported with how many bytes arrived. */
    static byte[] readExactly(Path file, InputStream in, int n, String what) throws IOException {
        byte[] bytes = new byte[n];
        int off = 0;
        try {
            while (off < n) {
                int r = in.read(bytes, off, n - off);
                if (r < 0) break;
                off += r;
            }
        } catch (EOFException e) {
            // GZIPInputStream ends a cut-off stream with EOFException instead of -1.
        }
        if (off < n) {
            throw bad(file, "is truncated: " + what + " needs " + n + " bytes, only " + off + " arrived");
        }
        return bytes;
    }

    private static boolean startsWithGzipMagic(BufferedInputStream in) throws IOException {
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        return b0 == 0x1f && b1 == 0x8b;
    }

    /**
     * The file is there but cannot be read (no permission, a folder, a disk error): its content
     * may be fine, so the fix is about access, not about replacing it.
     */
    static DataFileException unreadable(Path file, IOException e) {
        String fix = e instanceof AccessDeniedException
                ? "make it readable for this user (e.g. chmod a+r " + file.toAbsolutePath() + "), or copy it to a "
                        + "folder you can read and set BNLAB_DATA_DIR to that folder"
                : Files.isDirectory(file)
                        ? "a folder has the file's name: remove or rename the folder, then put the "
                                + "file there or let BN Lab use its other sources"
                        : "check that the file is readable and the disk healthy (a read error), then run again";
        return DataFileException.unreadable(file, "cannot be read: " + e, fix, e);
    }

    static DataFileException bad(Path file, String problem) {
        return new DataFileException(file, problem, FIX_BAD_FILE);
    }

    private static DataFileException bad(Path file, String problem, Throwable cause) {
        return new DataFileException(file, problem, FIX_BAD_FILE, cause);
    }
}
