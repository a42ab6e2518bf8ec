package bnlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnlab.Tolerances;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class ImageDatasetTest {

    /** Pixels are k/255 for small integers k: float32 holds them far closer than this. */
    private static final int N = 103;

    private static final int SIDE = 28;

    /** Image i has pixel (0, 0) = i, so a batch tells which examples it holds; label = i % 10. */
    private static final ImageDataset DATA = dataset(N);

    private static ImageDataset dataset(int n) {
        byte[] pixels = new byte[n * SIDE * SIDE];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 10;
            for (int p = 0; p < SIDE * SIDE; p++) pixels[i * SIDE * SIDE + p] = (byte) (p == 0 ? i : (i + p) % 256);
        }
        return new ImageDataset(new IdxImages(n, SIDE, SIDE, pixels), labels);
    }

    /** The example indices of one epoch, in order, read back from the images themselves. */
    private static List<Integer> epoch(Iterable<Batch> batches, List<Integer> sizes) {
        List<Integer> seen = new ArrayList<>();
        for (Batch b : batches) {
            sizes.add(b.size());
            for (int k = 0; k < b.size(); k++) {
                int index = Math.round(b.x().getFloat(k, 0, 0, 0) * 255f);
                assertEquals(index % 10, b.y()[k], "label travels with its image");
                seen.add(index);
            }
        }
        return seen;
    }

    @Test
    void sameSeedSameOrderAndEveryExampleExactlyOncePerEpoch() {
        List<Integer> sizes = new ArrayList<>();
        List<Integer> first = epoch(DATA.batches(10, 42L), sizes);
        Iterable<Batch> again = DATA.batches(10, 42L);
        assertEquals(first, epoch(again, new ArrayList<>()));
        assertEquals(first, epoch(again, new ArrayList<>()), "iterating twice repeats the order");

        assertEquals(N, first.size());
        assertEquals(N, first.stream().distinct().count());
        assertEquals(List.of(10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 3), sizes, "last partial batch kept");
        assertEquals(sizes.size(), DATA.batchCount(10));
    }

    /** The left-over 3 examples of 103 in batches of 10: kept as a batch of 3, dropped, or merged into a batch of 13. */
    @Test
    void theLeftOverExamplesAreKeptDroppedOrMerged() {
        List<Integer> sizes = new ArrayList<>();
        List<Integer> kept = epoch(DATA.batches(10, 42L, LastBatch.KEEP), sizes);
        assertEquals(List.of(10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 3), sizes);
        sizes.clear();
        List<Integer> dropped = epoch(DATA.batches(10, 42L, LastBatch.DROP), sizes);
        assertEquals(List.of(10, 10, 10, 10, 10, 10, 10, 10, 10, 10), sizes);
        assertEquals(kept.subList(0, 100), dropped, "the same order, without the last 3");
        sizes.clear();
        List<Integer> merged = epoch(DATA.batches(10, 42L, LastBatch.MERGE), sizes);
        assertEquals(List.of(10, 10, 10, 10, 10, 10, 10, 10, 10, 13), sizes);
        assertEquals(kept, merged, "the same order, every example once");
        for (LastBatch last : LastBatch.values()) {
            assertEquals(sizesOf(DATA.batches(10, 1L, last)).size(), last.batchCount(N, 10), last.name());
        }
        assertEquals(0, LastBatch.DROP.batchCount(7, 10), "fewer examples than one batch: nothing left");
        assertEquals(1, LastBatch.MERGE.batchCount(7, 10), "merged: one batch of 7");
        assertEquals(List.of(10), sizesOf(DATA.take(10).batches(10, 1L, LastBatch.MERGE)), "nothing left over");
    }

    private static List<Integer> sizesOf(Iterable<Batch> batches) {
        List<Integer> sizes = new ArrayList<>();
        epoch(batches, sizes);
        return sizes;
    }

    @Test
    void differentSeedsGiveDifferentShuffledOrders() {
        List<Integer> a = epoch(DATA.batches(16, 1L), new ArrayList<>());
        List<Integer> b = epoch(DATA.batches(16, 2L), new ArrayList<>());
        List<Integer> inOrder = epoch(DATA.batches(16), new ArrayList<>());
        assertNotEquals(a, b);
        assertNotEquals(inOrder, a);
        assertEquals(a.stream().sorted().toList(), inOrder, "a permutation of all indices");
        for (int i = 0; i < N; i++) assertEquals(i, inOrder.get(i));
    }

    @Test
    void imagesAreFloatNchwScaledToZeroOne() {
        int[] indices = {0, 77, 102, 5};
        INDArray x = DATA.images(indices);
        assertEquals(DataType.FLOAT, x.dataType());
        assertArrayEquals(new long[] {4, 1, SIDE, SIDE}, x.shape());
        assertTrue(x.minNumber().doubleValue() >= 0 && x.maxNumber().doubleValue() <= 1);
        for (int k = 0; k < indices.length; k++)
            for (int r = 0; r < SIDE; r += 9)
                for (int c = 0; c < SIDE; c += 5)
                    assertEquals(
                            DATA.pixel(indices[k], r, c) / 255.0,
                            x.getDouble(k, 0, r, c),
                            Tolerances.FLOAT_ROUNDED_ONCE);
        assertArrayEquals(new int[] {0, 7, 2, 5}, DATA.labels(indices));
    }

    @Test
    void takeKeepsTheFirstExamples() {
        ImageDataset head = DATA.take(7);
        assertEquals(7, head.size());
        assertEquals(DATA.label(6), head.label(6));
        assertEquals(DATA.pixel(6, 3, 4), head.pixel(6, 3, 4));
        assertThrows(IndexOutOfBoundsException.class, () -> head.label(7));
        assertEquals(N, DATA.take(1_000).size());
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6), epoch(head.batches(4), new ArrayList<>()));
    }

    @Test
    void oneHotHasASingleOneInTheLabelsColumn() {
        INDArray y = Batch.oneHot(new int[] {3, 0, 9}, 10);
        assertArrayEquals(new long[] {3, 10}, y.shape());
        assertEquals(3.0, y.sumNumber().doubleValue(), Tolerances.FLOAT_ROUNDED_ONCE);
        assertEquals(1.0, y.getDouble(0, 3), Tolerances.FLOAT_ROUNDED_ONCE);
        assertEquals(1.0, y.getDouble(2, 9), Tolerances.FLOAT_ROUNDED_ONCE);
        assertEquals(0.0, y.getDouble(1, 1), Tolerances.FLOAT_ROUNDED_ONCE);
    }

    @Test
    void classCountsAndNames() {
        int[] counts = DATA.classCounts();
        assertEquals(11, counts[0]);
        assertEquals(10, counts[9]);
        assertEquals(10, FashionMnist.CLASS_NAMES.length);
        assertArrayEquals(new String[] {"ankle boot", "t-shirt"}, FashionMnist.classNames(new int[] {9, 0}));
        assertFalse(FashionMnist.className(6).isBlank());
        assertThrows(IllegalArgumentException.class, () -> DATA.batches(0));
    }
}
