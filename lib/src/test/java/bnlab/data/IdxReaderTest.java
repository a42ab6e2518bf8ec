package bnlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxReaderTest {

    private final IdxFixture fixture = new IdxFixture();
    private final DataFile images = fixture.files.trainImages();
    private final DataFile labels = fixture.files.trainLabels();

    @TempDir
    Path dir;

    @ParameterizedTest(name = "gzip = {0}")
    @ValueSource(booleans = {true, false})
    void readsBackExactlyWhatWasWritten(boolean gzip) {
        Path folder = gzip ? fixture.writeGz(dir) : fixture.writeRaw(dir);
        String suffix = gzip ? ".gz" : "";
        IdxImages read = IdxReader.readImages(folder.resolve(images.name() + suffix), images);
        int[] readLabels = IdxReader.readLabels(folder.resolve(labels.name() + suffix), labels);

        assertEquals(IdxFixture.TRAIN, read.count());
        assertEquals(IdxFixture.ROWS, read.rows());
        assertEquals(IdxFixture.COLS, read.cols());
        for (int i = 0; i < read.count(); i++) {
            assertEquals(IdxFixture.label(0, i), readLabels[i], "label " + i);
            for (int r = 0; r < read.rows(); r++)
                for (int c = 0; c < read.cols(); c++)
                    assertEquals(
                            IdxFixture.pixel(0, i, r, c),
                            read.pixels()[(i * read.rows() + r) * read.cols() + c] & 0xff);
        }
    }

    @Test
    void detectsGzipByItsMagicBytesNotByTheName() {
        Path gzNamedRaw = IdxFixture.write(dir.resolve("a.gz"), fixture.raw.get(labels));
        Path rawNamedGz = IdxFixture.write(dir.resolve("b.idx"), fixture.gz.get(labels));
        int[] expected = IdxReader.readLabels(IdxFixture.write(dir.resolve("c"), fixture.raw.get(labels)), null);
        assertArrayEquals(expected, IdxReader.readLabels(gzNamedRaw, labels));
        assertArrayEquals(expected, IdxReader.readLabels(rawNamedGz, labels));
    }

    @Test
    void truncatedRawFileSaysHowManyBytesArrived() {
        byte[] whole = fixture.raw.get(images);
        Path file = IdxFixture.write(dir.resolve(images.name()), Arrays.copyOf(whole, whole.length - 7));
        var e = assertThrows(DataFileException.class, () -> IdxReader.readImages(file, images));
        int body = IdxFixture.TRAIN * IdxFixture.ROWS * IdxFixture.COLS;
        assertMentions(e, file, "truncated", "needs " + body + " bytes", "only " + (body - 7) + " arrived");
        // without a spec the header alone tells that data is missing
        assertThrows(DataFileException.class, () -> IdxReader.readImages(file, null));
    }

    @Test
    void gzipCutInsideTheDataSaysHowManyBytesArrived() {
        // Noise does not compress, so half the .gz holds roughly half the data.
        byte[] noise = IdxFixture.images(200, 28, 28, 0);
        var random = new java.util.SplittableRandom(3);
        for (int i = 16; i < noise.length; i++) noise[i] = (byte) random.nextInt(256);
        byte[] gz = IdxFixture.gzip(noise);
        Path file = IdxFixture.write(dir.resolve("noise.gz"), Arrays.copyOf(gz, gz.length / 2));
        var e = assertThrows(DataFileException.class, () -> IdxReader.readImages(file, null));
        assertMentions(
                e,
                file,
                "is truncated: the data (200 images of 28x28 by its header) needs 156800 bytes, only",
                "arrived");
        assertFalse(e.getMessage().contains("the the"), e.getMessage());
    }

    /** A file that cannot be read is not damaged: the fix is about access, not "replace this file". */
    @Test
    void anUnreadableFileIsToldToBeMadeReadable() throws IOException {
        Path file = dir.resolve("locked.gz");
        var denied = IdxReader.unreadable(file, new java.nio.file.AccessDeniedException(file.toString()));
        assertTrue(denied.unreadable());
        assertMentions(denied, file, "cannot be read", "make it readable for this user", "chmod a+r");
        assertSame(denied, denied.withFix("replace this file with a good copy"), "the reader's fix is kept");
        Path folder = java.nio.file.Files.createDirectories(dir.resolve("folder.gz"));
        var e = assertThrows(DataFileException.class, () -> IdxReader.readLabels(folder, null));
        assertMentions(e, folder, "cannot be read", "a folder has the file's name");
        assertFalse(e.fix().contains("replace") || e.fix().contains("delete"), e.fix());
    }

    @ParameterizedTest(name = "cut to {0}% of the gzip bytes")
    @ValueSource(ints = {5, 50, 97})
    void truncatedGzipFileIsReportedAsTruncated(int percent) {
        byte[] whole = fixture.gz.get(images);
        Path file = IdxFixture.write(dir.resolve(images.gzName()), Arrays.copyOf(whole, whole.length * percent / 100));
        var e = assertThrows(DataFileException.class, () -> IdxReader.readImages(file, images));
        assertMentions(e, file, "truncated");
    }

    @Test
    void trailingGarbageIsAnError() {
        byte[] whole = fixture.raw.get(labels);
        Path file = IdxFixture.write(dir.resolve(labels.name()), Arrays.copyOf(whole, whole.length + 3));
        var e = assertThrows(DataFileException.class, () -> IdxReader.readLabels(file, null));
        assertMentions(e, file, "3 unexpected bytes", "trailing");
    }

    @Test
    void wrongMagicNumberIsAnError() {
        Path labelsFile = IdxFixture.write(dir.resolve("labels"), fixture.raw.get(labels));
        var e = assertThrows(DataFileException.class, () -> IdxReader.readImages(labelsFile, null));
        assertMentions(e, labelsFile, "IDX labels file", "magic number 2051");

        Path text = IdxFixture.write(dir.resolve("text"), "<html>Not found</html>".getBytes());
        e = assertThrows(DataFileException.class, () -> IdxReader.readLabels(text, null));
        assertMentions(e, text, "not an IDX file", "magic number 2049");
    }

    @Test
    void garbageAfterAGzipHeaderIsReportedAsCorrupt() {
        byte[] garbage = new byte[64];
        Arrays.fill(garbage, (byte) 0xff);
        byte[] header = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
        System.arraycopy(header, 0, garbage, 0, header.length);
        Path file = IdxFixture.write(dir.resolve(images.gzName()), garbage);
        var e = assertThrows(DataFileException.class, () -> IdxReader.readImages(file, images));
        assertMentions(e, file, "corrupt", "gzip");
    }

    @Test
    void countOtherThanTheSpecSaysIsAnError() {
        Path file = IdxFixture.write(dir.resolve(labels.name()), fixture.raw.get(labels));
        var sixLabels = new DataFile(labels.name(), IdxKind.LABELS, 6, labels.gzMd5(), labels.sha256(), 14);
        var e = assertThrows(DataFileException.class, () -> IdxReader.readLabels(file, sixLabels));
        assertMentions(e, file, "holds 5 items, expected 6");
    }

    @Test
    void imageSizeOtherThanTheSpecSaysIsAnError() {
        Path file = IdxFixture.write(dir.resolve(images.name()), IdxFixture.images(IdxFixture.TRAIN, 5, 5, 0));
        var e = assertThrows(DataFileException.class, () -> IdxReader.readImages(file, images));
        assertMentions(e, file, "wrong image size");
    }

    @Test
    void contentOtherThanTheSpecSaysFailsTheChecksum() {
        byte[] changed = fixture.raw.get(images).clone();
        changed[changed.length - 1] ^= 1;
        Path file = IdxFixture.write(dir.resolve(images.gzName()), IdxFixture.gzip(changed));
        var e = assertThrows(DataFileException.class, () -> IdxReader.readImages(file, images));
        assertMentions(e, file, "SHA-256 " + IdxFixture.sha256(changed), "expected " + images.sha256());
    }

    @Test
    void labelOutsideZeroToNineIsAnError() {
        byte[] bad = fixture.raw.get(labels).clone();
        bad[8 + 2] = 10;
        Path file = IdxFixture.write(dir.resolve(labels.name()), bad);
        var e = assertThrows(DataFileException.class, () -> IdxReader.readLabels(file, null));
        assertMentions(e, file, "label 10 at index 2");
    }

    @Test
    void missingFileIsNamed() {
        Path file = dir.resolve("nothing-here");
        var e = assertThrows(DataFileException.class, () -> IdxReader.readLabels(file, null));
        assertMentions(e, file, "does not exist");
    }

    /** The message names the file by its full path, the problem, and a fix. */
    static void assertMentions(DataFileException e, Path file, String... parts) {
        String message = e.getMessage();
        assertTrue(message.contains(file.toAbsolutePath().toString()), message);
        for (String part : parts) assertTrue(message.contains(part), "'" + part + "' in: " + message);
        assertTrue(message.contains("Fix: ") && !e.fix().isBlank(), message);
    }
}
