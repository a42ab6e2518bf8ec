package bnlab.experiments;

import java.util.Locale;

/**
 * A learning rate that follows the batch size b from a reference point (lr₀ at batch b₀), for
 * comparing batch sizes (notebook 9):
 * <pre>
 *   linear:       lr(b) = lr₀ · b / b₀          (Goyal et al. 2017; Wu &amp; He 2018 use 0.1 · b / 32)
 *   square root:  lr(b) = lr₀ · √(b / b₀)
 * </pre>
 * The linear rule keeps lr/b, the step size per example, fixed: with the same number of examples,
 * b/2 takes twice the steps at half the rate. {@code linear(1.0, 256)} is d2l's lr 1.0 at batch
 * 256 carried to the other sizes.
 */
public record ScaledLearningRate(double lr, int batchSize, boolean squareRoot) {

    public ScaledLearningRate {
        if (!(lr > 0) || !Double.isFinite(lr)) {
            throw new IllegalArgumentException("the reference learning rate must be positive and finite, got " + lr);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("the reference batch size must be >= 1, got " + batchSize);
        }
    }

    /** lr(b) = lr · b / batchSize. */
    public static ScaledLearningRate linear(double lr, int batchSize) {
        return new ScaledLearningRate(lr, batchSize, false);
    }

    /** lr(b) = lr · √(b / batchSize). */
    public static ScaledLearningRate squareRoot(double lr, int batchSize) {
        return new ScaledLearningRate(lr, batchSize, true);
    }

    /** The learning rate at batch size {@code b}. */
    public double at(int b) {
        if (b < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + b);
        }
        double ratio = (double) b / batchSize;
        return lr * (squareRoot ? Math.sqrt(ratio) : ratio);
    }

    /** e.g. "lr = 1.0 · b/256 (linear scaling)". */
    @Override
    public String toString() {
        String lr0 = String.format(Locale.ROOT, "%s", lr);
        return squareRoot
                ? "lr = " + lr0 + " · √(b/" + batchSize + ") (square-root scaling)"
                : "lr = " + lr0 + " · b/" + batchSize + " (linear scaling)";
    }
}
