package bnlab.data;

/**
 * What happens to the examples left over when the batch size does not divide the data set, the
 * choice PyTorch's {@code DataLoader(drop_last=...)} offers. With 1 025 examples and batch size
 * 32 there are 32 full batches and 1 example left over: KEEP makes it a batch of 1 (on which
 * batch norm cannot train: one value per channel has no variance), DROP leaves it out of this
 * epoch, MERGE adds it to the batch before (a last batch of 33).
 */
public enum LastBatch {
    /** A smaller last batch of what is left: PyTorch's default, {@code drop_last=False}. */
    KEEP,
    /** The left-over examples are not used this epoch (a new shuffle uses others next time): {@code drop_last=True}. */
    DROP,
    /** The left-over examples join the batch before, which is then larger than the batch size. */
    MERGE;

    /** How many batches {@code size} examples make with {@code batchSize} examples each. */
    public int batchCount(int size, int batchSize) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size " + batchSize + " < 1");
        int full = size / batchSize;
        boolean rest = size % batchSize != 0;
        return switch (this) {
            case KEEP -> full + (rest ? 1 : 0);
            case DROP -> full;
            case MERGE -> full == 0 && rest ? 1 : full;
        };
    }

    /** The end (exclusive) of the batch that starts at {@code start}, of {@code size} examples. */
    int end(int start, int size, int batchSize) {
        int end = Math.min(start + batchSize, size);
        if (this == MERGE && size - end < batchSize && end < size) {
            return size;
        }
        return end;
    }

    /** Whether a batch of {@code length} examples is used (DROP skips the short last one). */
    boolean uses(int length, int batchSize) {
        return this != DROP || length == batchSize;
    }
}
