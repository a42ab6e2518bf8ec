package bnlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The real files of the Debian package dataset-fashion-mnist. CI installs the package, so there
 * a missing folder fails the build; elsewhere these tests are skipped.
 */
class RealFashionMnistTest {

    private static final Path DIR = LocatorConfig.DEBIAN_DIR;
    private static final FashionMnistFiles OFFICIAL = FashionMnistFiles.OFFICIAL;
    private static FashionMnist data;

    @TempDir
    static Path emptyCache;

    @BeforeAll
    static void loadOnce() {
        if (!Files.isDirectory(DIR)) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(DIR + " is missing: CI must install the Debian package dataset-fashion-mnist");
            }
            Assumptions.abort(DIR + " is missing (install dataset-fashion-mnist): real-data tests skipped");
        }
        // No named folder, an empty cache, downloads off: the Debian folder must be the source.
        var config = new LocatorConfig(null, emptyCache, DIR, null);
        data = FashionMnist.load(
                new FashionMnistLocator(config, OFFICIAL, new Downloader()), Integer.MAX_VALUE, Integer.MAX_VALUE);
    }

    @Test
    void comesFromTheDebianPackage() {
        assertTrue(data.source().startsWith(DIR.toString()), data.source());
        assertTrue(data.source().contains("Debian package dataset-fashion-mnist"), data.source());
        assertTrue(data.toString().contains("60000 train / 10000 test images of 28x28"), data.toString());
    }

    @Test
    void sizesAndBalancedClasses() {
        assertEquals(60_000, data.train().size());
        assertEquals(10_000, data.test().size());
        for (ImageDataset split : new ImageDataset[] {data.train(), data.test()}) {
            assertEquals(28, split.rows());
            assertEquals(28, split.cols());
        }
        int[] train = new int[10];
        int[] test = new int[10];
        Arrays.fill(train, 6_000);
        Arrays.fill(test, 1_000);
        assertArrayEquals(train, data.train().classCounts());
        assertArrayEquals(test, data.test().classCounts());
    }

    @Test
    void pixelsSpanTheFullByteRange() {
        int min = 255;
        int max = 0;
        ImageDataset test = data.test();
        for (int i = 0; i < test.size(); i++)
            for (int r = 0; r < 28; r++)
                for (int c = 0; c < 28; c++) {
                    int p = test.pixel(i, r, c);
                    min = Math.min(min, p);
                    max = Math.max(max, p);
                }
        assertEquals(0, min);
        assertEquals(255, max);
    }

    @Test
    void aShuffledBatchIsFloatNchwInZeroOne() {
        Batch batch = data.train().batches(256, 7L).iterator().next();
        INDArray x = batch.x();
        assertArrayEquals(new long[] {256, 1, 28, 28}, x.shape());
        assertEquals(0.0, x.minNumber().doubleValue());
        assertTrue(x.maxNumber().doubleValue() <= 1.0);
        assertTrue(x.meanNumber().doubleValue() > 0.1, "not all background");
        assertEquals(256, batch.y().length);
    }

    /** Independent of the reader: decompress each file here and hash what comes out. */
    @Test
    void decompressedContentMatchesTheSpecsSha256AndSize() throws IOException {
        for (DataFile spec : OFFICIAL.all()) {
            Path file = DIR.resolve(spec.gzName());
            var sha = Checksums.sha256();
            long size;
            try (InputStream in = new DigestInputStream(
                    new GZIPInputStream(new BufferedInputStream(Files.newInputStream(file))), sha)) {
                size = in.transferTo(OutputStream.nullOutputStream());
            }
            assertEquals(spec.size(), size, spec.name());
            assertEquals(spec.sha256(), Checksums.hex(sha.digest()), spec.name());
        }
    }

    /**
     * The trap: Debian re-compressed the files (no file name in the gzip header), so their .gz MD5s
     * are not the official ones; only a download can be checked against those MD5s.
     */
    @Test
    void debianGzipsDifferFromTheOfficialOnesYetAreAccepted() throws IOException {
        DataFile labels = OFFICIAL.testLabels();
        String debianMd5 = Checksums.ofFile(DIR.resolve(labels.gzName()), Checksums.md5());
        Assumptions.assumeTrue(!debianMd5.equals(labels.gzMd5()), "this copy is the official .gz");
        assertEquals(10_000, IdxReader.readLabels(DIR.resolve(labels.gzName()), labels).length);
    }

    @Test
    void limitsKeepTheFirstExamples() {
        FashionMnist small = FashionMnist.load(
                new FashionMnistLocator(new LocatorConfig(null, emptyCache, DIR, null), OFFICIAL, new Downloader()),
                256,
                100);
        assertEquals(256, small.train().size());
        assertEquals(100, small.test().size());
        for (int i = 0; i < 100; i += 13)
            assertEquals(data.test().label(i), small.test().label(i));
    }
}
