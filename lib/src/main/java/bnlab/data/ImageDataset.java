package bnlab.data;

import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Labelled grey-scale images kept as unsigned bytes (a quarter of the memory of floats); batches
 * are converted to float ND4J arrays in [0, 1] only when asked for.
 */
public final class ImageDataset {

    private final byte[] pixels;
    private final int[] labels;
    private final int size;
    private final int rows;
    private final int cols;

    /** The images and labels of one split; both must hold the same number of items. */
    public ImageDataset(IdxImages images, int[] labels) {
        this(images.pixels(), labels, images.count(), images.rows(), images.cols());
        if (labels.length != images.count()) {
            throw new IllegalArgumentException(images.count() + " images but " + labels.length + " labels");
        }
    }

    private ImageDataset(byte[] pixels, int[] labels, int size, int rows, int cols) {
        this.pixels = pixels;
        this.labels = labels;
        this.size = size;
        this.rows = rows;
        this.cols = cols;
    }

    public int size() {
        return size;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** The first {@code n} examples (all if there are fewer), sharing this dataset's memory. */
    public ImageDataset take(int n) {
        if (n < 0) throw new IllegalArgumentException("n = " + n + " < 0");
        return n >= size ? this : new ImageDataset(pixels, labels, n, rows, cols);
    }

    /** The class (0..9) of example {@code i}. */
    public int label(int i) {
        return labels[Objects.checkIndex(i, size)];
    }

    /** The classes of the given examples. */
    public int[] labels(int[] indices) {
        int[] out = new int[indices.length];
        for (int k = 0; k < indices.length; k++) out[k] = label(indices[k]);
        return out;
    }

    /** Pixel (r, c) of image {@code i} as stored, 0..255. */
    public int pixel(int i, int r, int c) {
        Objects.checkIndex(r, rows);
        Objects.checkIndex(c, cols);
        return pixels[Objects.checkIndex(i, size) * rows * cols + r * cols + c] & 0xff;
    }

    /** The given images as float NCHW {@code [B, 1, rows, cols]}, scaled from 0..255 to [0, 1]. */
    public INDArray images(int[] indices) {
        int area = rows * cols;
        float[] data = new float[indices.length * area];
        for (int k = 0; k < indices.length; k++) {
            int from = Objects.checkIndex(indices[k], size) * area;
            for (int p = 0; p < area; p++) {
                data[k * area + p] = (pixels[from + p] & 0xff) / 255f;
            }
        }
        return Nd4j.create(data, new long[] {indices.length, 1, rows, cols}, DataType.FLOAT);
    }

    /** How many examples each class 0..9 has. */
    public int[] classCounts() {
        int[] counts = new int[FashionMnist.NUM_CLASSES];
        for (int i = 0; i < size; i++) counts[labels[i]]++;
        return counts;
    }

    /**
     * One epoch of batches in an order shuffled by {@code seed} (same seed, same order; use e.g.
     * {@code seed + epoch} for a new order each epoch). The last batch may be smaller.
     */
    public Iterable<Batch> batches(int batchSize, long seed) {
        return batches(batchSize, seed, LastBatch.KEEP);
    }

    /** As {@link #batches(int, long)}, with the left-over examples kept, dropped or merged as {@code last} says. */
    public Iterable<Batch> batches(int batchSize, long seed, LastBatch last) {
        return new Batches(this, batchSize, Batches.shuffled(size, seed), last);
    }

    /** One pass in index order, for evaluation. The last batch may be smaller. */
    public Iterable<Batch> batches(int batchSize) {
        return new Batches(this, batchSize, Batches.inOrder(size), LastBatch.KEEP);
    }

    /** Number of batches per epoch at this batch size (the last one may be smaller). */
    public int batchCount(int batchSize) {
        return LastBatch.KEEP.batchCount(size, batchSize);
    }

    @Override
    public String toString() {
        return size + " images of " + rows + "x" + cols;
    }
}
