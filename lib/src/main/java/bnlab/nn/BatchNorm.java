package bnlab.nn;

import bnlab.nn.kernel.BatchNormalizer;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * d2l's {@code BatchNorm} layer: it keeps gamma and beta (trained parameters, initialized to 1
 * and 0) and the moving mean and variance (state, initialized to 0 and 1), and normalizes like
 * {@link BatchNormFunction#batchNorm} with eps 1e-5 and momentum 0.9 (notebook 3):
 * <pre>
 *   training:  y = γ·(x − μ_B)/√(σ²_B + ε) + β,   moving = momentum·moving + (1 − momentum)·batch
 *   inference: y = γ·(x − μ)/√(σ² + ε) + β        with the moving μ, σ²
 * </pre>
 * with the batch mean μ_B and the biased batch variance σ²_B per channel.
 *
 * <p>{@code numDims} is 2 after a fully-connected layer (input (N, C), parameters (1, C)) and 4
 * after a convolution (input (N, C, H, W), parameters (1, C, 1, 1)). A new layer is in training
 * mode; {@link #eval()} switches to the moving statistics.
 *
 * <p>For experiments (notebook 6), the options of DJL's {@code BatchNorm.builder()}:
 * {@code BatchNorm.builder(c, 4).center(false).build()} only divides by the standard deviation,
 * {@code .scale(false)} only subtracts the mean ({@link #varianceOnly}, {@link #meanOnly}), and
 * {@code .affine(false)} keeps γ = 1 and β = 0 out of training ({@link #frozenAffine()});
 * {@link PreciseBatchNorm} replaces the moving averages by statistics recomputed over many batches.
 */
public class BatchNorm extends BatchStatisticsNorm {

    private final boolean center;
    private final boolean scale;
    private final DataType type;

    public BatchNorm(int numFeatures, int numDims) {
        this(builder(numFeatures, numDims));
    }

    public BatchNorm(int numFeatures, int numDims, double eps, double momentum, DataType type) {
        this(builder(numFeatures, numDims).eps(eps).momentum(momentum).dataType(type));
    }

    private BatchNorm(Builder b) {
        super(b.numFeatures, b.numDims, b.eps, b.momentum, b.type, b.affine);
        if (!b.center && !b.scale) {
            throw new IllegalArgumentException("BatchNorm: center(false) and scale(false) together leave nothing "
                    + "to normalize; keep at least one");
        }
        this.center = b.center;
        this.scale = b.scale;
        this.type = b.type;
    }

    /** A batch norm with options; {@code build()} makes it. */
    public static Builder builder(int numFeatures, int numDims) {
        return new Builder(numFeatures, numDims);
    }

    /** The options of a {@link BatchNorm}, with d2l's defaults. */
    public static final class Builder {
        private final int numFeatures;
        private final int numDims;
        private double eps = BatchNormFunction.EPS;
        private double momentum = BatchNormFunction.MOMENTUM;
        private DataType type = DataType.FLOAT;
        private boolean center = true;
        private boolean scale = true;
        private boolean affine = true;

        private Builder(int numFeatures, int numDims) {
            this.numFeatures = numFeatures;
            this.numDims = numDims;
        }

        /** ε, added to the variance (default 1e-5). */
        public Builder eps(double eps) {
            this.eps = eps;
            return this;
        }

        /** The weight of the old moving value (default 0.9; PyTorch's momentum=0.1 is 1 − 0.9). */
        public Builder momentum(double momentum) {
            this.momentum = momentum;
            return this;
        }

        /** FLOAT (default) or DOUBLE (for gradient checks). */
        public Builder dataType(DataType type) {
            this.type = type;
            return this;
        }

        /** Subtract the mean (default true); false: y = γ·x/√(σ² + ε) + β. */
        public Builder center(boolean center) {
            this.center = center;
            return this;
        }

        /** Divide by the standard deviation (default true); false: y = γ·(x − μ) + β. */
        public Builder scale(boolean scale) {
            this.scale = scale;
            return this;
        }

        /** Train γ and β (default true); false keeps them at 1 and 0. */
        public Builder affine(boolean affine) {
            this.affine = affine;
            return this;
        }

        public BatchNorm build() {
            return new BatchNorm(this);
        }
    }

    /** "Lite" batch norm that only subtracts the batch mean: y = γ·(x − μ) + β. */
    public static BatchNorm meanOnly(int numFeatures, int numDims) {
        return builder(numFeatures, numDims).scale(false).build();
    }

    /** "Lite" batch norm that only divides by the batch standard deviation: y = γ·x/√(σ² + ε) + β. */
    public static BatchNorm varianceOnly(int numFeatures, int numDims) {
        return builder(numFeatures, numDims).center(false).build();
    }

    /** The same layer with γ and β fixed at 1 and 0: they are no longer parameters, nothing trains them. */
    public BatchNorm frozenAffine() {
        return builder(numFeatures(), numDims())
                .eps(eps())
                .momentum(momentum())
                .dataType(type)
                .center(center)
                .scale(scale)
                .affine(false)
                .build();
    }

    /** The batch's statistics normalize; the moving averages take them in. */
    @Override
    BatchNormalizer trainingStep(long[] shape, double[][] mean, double[][] var) {
        checkBatch(shape, mean, var);
        movingStatistics().record(mean[0], var[0]);
        return BatchNormalizer.of(mean, var, eps(), center, scale);
    }

    @Override
    public boolean center() {
        return center;
    }

    @Override
    public boolean scale() {
        return scale;
    }

    @Override
    public String toString() {
        return "BatchNorm(" + describe() + (center && scale ? "" : center ? ", mean-only" : ", variance-only")
                + (affine() ? "" : ", gamma=1 beta=0 frozen") + ", " + mode() + ")";
    }
}
