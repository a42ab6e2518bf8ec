package bnlab.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * One epoch of mini-batches over a dataset, in index order or shuffled by a seed.
 *
 * <p>Each call to {@link #iterator()} walks the same order again. What is left when the size does
 * not divide evenly is a smaller last batch, dropped or merged into the batch before, as
 * {@link LastBatch} says (PyTorch's DataLoader keeps it by default).
 */
final class Batches implements Iterable<Batch> {

    private final ImageDataset data;
    private final int batchSize;
    private final int[] order;
    private final LastBatch last;

    Batches(ImageDataset data, int batchSize, int[] order, LastBatch last) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size " + batchSize + " < 1");
        this.data = data;
        this.batchSize = batchSize;
        this.order = order;
        this.last = java.util.Objects.requireNonNull(last, "last batch");
    }

    /** 0..n-1 in index order. */
    static int[] inOrder(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        return order;
    }

    /**
     * 0..n-1 shuffled by Fisher-Yates with {@code new SplittableRandom(seed)}: every order is
     * equally likely, and the same seed gives the same order on every JVM (the algorithm of
     * SplittableRandom is specified, not left to the implementation).
     */
    static int[] shuffled(int n, long seed) {
        int[] order = inOrder(n);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    @Override
    public Iterator<Batch> iterator() {
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < order.length && last.uses(last.end(next, order.length, batchSize) - next, batchSize);
            }

            @Override
            public Batch next() {
                if (!hasNext()) throw new NoSuchElementException();
                int end = last.end(next, order.length, batchSize);
                int[] indices = java.util.Arrays.copyOfRange(order, next, end);
                next = end;
                return new Batch(data.images(indices), data.labels(indices));
            }
        };
    }
}
