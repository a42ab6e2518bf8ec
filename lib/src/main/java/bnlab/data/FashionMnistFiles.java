package bnlab.data;

import java.util.List;

/**
 * The four files of one IDX dataset: training and test images and labels.
 *
 * <p>{@link #OFFICIAL} holds Fashion-MNIST's values (the {@code .gz} MD5s as the dataset's README
 * and torchvision publish them; SHA-256 and sizes measured on the decompressed files). Tests
 * build their own set around tiny fixture files.
 */
public record FashionMnistFiles(DataFile trainImages, DataFile trainLabels, DataFile testImages, DataFile testLabels) {

    /** Fashion-MNIST as published: 60 000 training and 10 000 test images of 28 x 28. */
    public static final FashionMnistFiles OFFICIAL = new FashionMnistFiles(
            new DataFile(
                    "train-images-idx3-ubyte",
                    IdxKind.IMAGES,
                    60_000,
                    "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
                    "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
                    47_040_016L),
            new DataFile(
                    "train-labels-idx1-ubyte",
                    IdxKind.LABELS,
                    60_000,
                    "25c81989df183df01b3e8a0aad5dffbe",
                    "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
                    60_008L),
            new DataFile(
                    "t10k-images-idx3-ubyte",
                    IdxKind.IMAGES,
                    10_000,
                    "bef4ecab320f06d8554ea6380940ec79",
                    "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
                    7_840_016L),
            new DataFile(
                    "t10k-labels-idx1-ubyte",
                    IdxKind.LABELS,
                    10_000,
                    "bb300cfdad3c16e7a12a480ee83cd310",
                    "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
                    10_008L));

    /** The four files in a fixed order: train images, train labels, test images, test labels. */
    public List<DataFile> all() {
        return List.of(trainImages, trainLabels, testImages, testLabels);
    }
}
