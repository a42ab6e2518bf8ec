package bnlab.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * One epoch of mini-batches over a dataset, in index order or shuffled by a seed.
 *
 * <p>Each call to {@link #iterator()} walks the same order again. The last batch holds what is
 * left when the size does not divide evenly, as PyTorch's DataLoader does by default.
 */
final class Batches implements Iterable<Batch> {

    private final ImageDataset data;
    private final int batchSize;
    private final int[] order;

    Batches(ImageDataset data, int batchSize, int[] order) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size " + batchSize + " < 1");
        this.data = data;
        this.batchSize = batchSize;
        this.order = order;
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
                return next < order.length;
            }

            @Override
            public Batch next() {
                if (!hasNext()) throw new NoSuchElementException();
                int end = Math.min(next + batchSize, order.length);
                int[] indices = java.util.Arrays.copyOfRange(order, next, end);
                next = end;
                return new Batch(data.images(indices), data.labels(indices));
            }
        };
    }
}
