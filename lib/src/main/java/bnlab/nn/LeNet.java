package bnlab.nn;

/**
 * d2l's LeNet with batch norm after every convolution and fully-connected layer and a sigmoid
 * after every batch norm, average pooling, for (N, 1, 28, 28) Fashion-MNIST images: the network
 * notebook 4 builds cell by cell, here for the benchmark and the tests.
 */
public final class LeNet {

    private LeNet() {
    }

    /** The seed's network, with our {@link BatchNorm}. */
    public static Sequential withBatchNorm(Init init) {
        return new Sequential(
                new Conv2d(1, 6, 5, init), new BatchNorm(6, 4), new Sigmoid(),
                new AvgPool2d(2, 2),
                new Conv2d(6, 16, 5, init), new BatchNorm(16, 4), new Sigmoid(),
                new AvgPool2d(2, 2), new Flatten(),
                new Linear(16 * 4 * 4, 120, true, init), new BatchNorm(120, 2), new Sigmoid(),
                new Linear(120, 84, true, init), new BatchNorm(84, 2), new Sigmoid(),
                new Linear(84, 10, true, init));
    }
}
