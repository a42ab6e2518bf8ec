package bnlab.data;

/**
 * The content of an IDX images file: {@code count} images of {@code rows x cols} unsigned bytes,
 * row-major, one after the other (47 MB for Fashion-MNIST's training set, a quarter of floats).
 */
public record IdxImages(int count, int rows, int cols, byte[] pixels) {

    public IdxImages {
        if ((long) count * rows * cols != pixels.length) {
            throw new IllegalArgumentException(count + " x " + rows + " x " + cols + " images need "
                    + (long) count * rows * cols + " bytes, got " + pixels.length);
        }
    }
}
