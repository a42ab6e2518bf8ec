package bnlab.data;

import bnlab.Profile;

/**
 * Fashion-MNIST, ready for training: the notebooks call {@link #load()} (or
 * {@link #load(Profile)}) and take {@link #train()} and {@link #test()}.
 *
 * <p>Every file is read whole and its checksum checked, even when a limit keeps only the first
 * examples; reading all four takes well under a second.
 */
public final class FashionMnist {

    public static final int NUM_CLASSES = 10;

    /** Class names by label, as d2l's {@code get_fashion_mnist_labels} prints them. */
    public static final String[] CLASS_NAMES = {
        "t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot"
    };

    private final ImageDataset train;
    private final ImageDataset test;
    private final String source;

    private FashionMnist(ImageDataset train, ImageDataset test, String source) {
        this.train = train;
        this.test = test;
        this.source = source;
    }

    /** All 60 000 training and 10 000 test images, from the first source that has them. */
    public static FashionMnist load() {
        return load(Integer.MAX_VALUE, Integer.MAX_VALUE);
    }

    /** The profile's slice: its train and test limits. */
    public static FashionMnist load(Profile profile) {
        return load(profile.trainLimit(), profile.testLimit());
    }

    /** The first {@code trainLimit} training and {@code testLimit} test examples (or all). */
    public static FashionMnist load(int trainLimit, int testLimit) {
        return load(FashionMnistLocator.fromEnvironment(), trainLimit, testLimit);
    }

    /** Loads through the given locator, e.g. one with explicit folders. */
    public static FashionMnist load(FashionMnistLocator locator, int trainLimit, int testLimit) {
        if (trainLimit < 1 || testLimit < 1) {
            throw new IllegalArgumentException(
                    "limits must be at least 1, got train " + trainLimit + ", test " + testLimit);
        }
        DataLocation location = locator.locate();
        FashionMnistFiles files = locator.files();
        ImageDataset train = read(location, files.trainImages(), files.trainLabels());
        ImageDataset test = read(location, files.testImages(), files.testLabels());
        return new FashionMnist(train.take(trainLimit), test.take(testLimit), location.description());
    }

    private static ImageDataset read(DataLocation location, DataFile images, DataFile labels) {
        try {
            return new ImageDataset(
                    IdxReader.readImages(location.path(images), images),
                    IdxReader.readLabels(location.path(labels), labels));
        } catch (DataFileException e) {
            // The reader cannot know where the file came from; the fix depends on it.
            throw e.withFix(location.origin().fixForBadFile());
        }
    }

    public ImageDataset train() {
        return train;
    }

    public ImageDataset test() {
        return test;
    }

    /** Where the files came from, e.g. {@code /usr/share/datasets/fashion-mnist (Debian ...)}. */
    public String source() {
        return source;
    }

    /** The name of a class label, e.g. 9 → "ankle boot". */
    public static String className(int label) {
        return CLASS_NAMES[label];
    }

    /** The names of several labels (d2l's {@code get_fashion_mnist_labels}). */
    public static String[] classNames(int[] labels) {
        String[] names = new String[labels.length];
        for (int i = 0; i < labels.length; i++) names[i] = className(labels[i]);
        return names;
    }

    @Override
    public String toString() {
        return String.format(
                "Fashion-MNIST: %d train / %d test images of %dx%d, %d classes, from %s",
                train.size(), test.size(), train.rows(), train.cols(), NUM_CLASSES, source);
    }
}
