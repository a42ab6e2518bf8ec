package bnlab.nn;

import java.util.ArrayList;
import java.util.List;

/**
 * d2l's LeNet for (N, 1, 28, 28) Fashion-MNIST images: two 5×5 convolutions (6 and 16
 * channels) each followed by 2×2 pooling, then fully-connected layers of 120, 84 and 10 units,
 * sigmoid activations. {@link #withBatchNorm} is the chapter's network (notebook 4); the
 * {@link Builder} makes the variants the experiments compare: batch norm in some layers or none,
 * the lite normalizations, frozen γ and β, another momentum, batch norm after the sigmoid
 * instead of before it, dropout, max pooling.
 */
public final class LeNet {

    /** The four places a batch norm can go: after conv1, conv2, fc1 and fc2. */
    public static final int PLACES = 4;

    private LeNet() {}

    /** d2l's LeNet, with our {@link BatchNorm} after every convolution and hidden linear layer. */
    public static Sequential withBatchNorm(Init init) {
        return builder().build(init);
    }

    /** Starts from d2l's batch-norm LeNet. */
    public static Builder builder() {
        return new Builder();
    }

    /** Makes the normalization layer for a place: its channels, and 4 after a convolution or 2 after a linear layer. */
    public interface Norm {
        Layer make(int channels, int numDims);
    }

    /** A LeNet variant; every setter returns the builder. */
    public static final class Builder {
        private Norm norm;
        private String normName;
        private final boolean[] batchNorm = {true, true, true, true};
        private boolean center = true;
        private boolean scale = true;
        private boolean affine = true;
        private double momentum = BatchNormFunction.MOMENTUM;
        private boolean afterSigmoid;
        private double dropout;
        private boolean maxPool;
        private double noiseMean;
        private double noiseStd;

        /** Batch norm after conv1, conv2, fc1, fc2: on or off for each. */
        public Builder batchNorm(boolean conv1, boolean conv2, boolean fc1, boolean fc2) {
            batchNorm[0] = conv1;
            batchNorm[1] = conv2;
            batchNorm[2] = fc1;
            batchNorm[3] = fc2;
            return this;
        }

        /** No batch norm at all: the plain sigmoid LeNet. */
        public Builder noBatchNorm() {
            return batchNorm(false, false, false, false);
        }

        /** Every batch norm only subtracts the batch mean ({@link BatchNorm#meanOnly}). */
        public Builder meanOnly() {
            this.center = true;
            this.scale = false;
            return this;
        }

        /** Every batch norm only divides by the batch standard deviation ({@link BatchNorm#varianceOnly}). */
        public Builder varianceOnly() {
            this.center = false;
            this.scale = true;
            return this;
        }

        /**
         * Another normalization layer in the batch norms' places, e.g.
         * {@code norm("GroupNorm", (c, d) -> new GroupNorm(2, c))}; the other batch-norm settings
         * (lite forms, frozen γ and β, momentum) then do not apply.
         */
        public Builder norm(String name, Norm factory) {
            this.normName = java.util.Objects.requireNonNull(name, "name");
            this.norm = java.util.Objects.requireNonNull(factory, "factory");
            return this;
        }

        /** γ and β fixed at 1 and 0 in every batch norm. */
        public Builder frozenAffine() {
            this.affine = false;
            return this;
        }

        /** The moving-average momentum of every batch norm (d2l: 0.9). */
        public Builder momentum(double momentum) {
            BatchNormChecks.hyperparameters(BatchNormFunction.EPS, momentum);
            this.momentum = momentum;
            return this;
        }

        /** Batch norm after the sigmoid instead of before it. */
        public Builder batchNormAfterSigmoid() {
            this.afterSigmoid = true;
            return this;
        }

        /** Dropout with probability p after each hidden fully-connected block (0: none). */
        public Builder dropout(double p) {
            if (!(p >= 0 && p < 1)) {
                throw new IllegalArgumentException("dropout p must be in [0, 1), got " + p);
            }
            this.dropout = p;
            return this;
        }

        /**
         * Santurkar et al.'s "noisy BatchNorm": after every batch norm, noise whose mean (up to
         * ±meanRange) and standard deviation (up to stdRange) change at every step ({@link ShiftingNoise}).
         */
        public Builder noiseAfterBatchNorm(double meanRange, double stdRange) {
            if (!(meanRange > 0 || stdRange > 0)) {
                throw new IllegalArgumentException(
                        "noise ranges must not both be 0, got " + meanRange + " and " + stdRange);
            }
            this.noiseMean = meanRange;
            this.noiseStd = stdRange;
            return this;
        }

        /** Max pooling instead of average pooling. */
        public Builder maxPool() {
            this.maxPool = true;
            return this;
        }

        public Sequential build(Init init) {
            List<Layer> layers = new ArrayList<>();
            block(layers, new Conv2d(1, 6, 5, init), 6, 4, 0, init);
            layers.add(pool());
            block(layers, new Conv2d(6, 16, 5, init), 16, 4, 1, init);
            layers.add(pool());
            layers.add(new Flatten());
            block(layers, new Linear(16 * 4 * 4, 120, true, init), 120, 2, 2, init);
            block(layers, new Linear(120, 84, true, init), 84, 2, 3, init);
            layers.add(new Linear(84, 10, true, init));
            return new Sequential(layers.toArray(new Layer[0]));
        }

        /** layer → [batch norm →] sigmoid [→ batch norm] [→ dropout]. */
        private void block(List<Layer> layers, Layer layer, int channels, int dims, int place, Init init) {
            layers.add(layer);
            if (batchNorm[place] && !afterSigmoid) {
                addNorm(layers, channels, dims, init);
            }
            layers.add(new Sigmoid());
            if (batchNorm[place] && afterSigmoid) {
                addNorm(layers, channels, dims, init);
            }
            if (dims == 2 && dropout > 0) {
                layers.add(new Dropout(dropout, init));
            }
        }

        private void addNorm(List<Layer> layers, int channels, int dims, Init init) {
            layers.add(norm(channels, dims));
            if (noiseMean > 0 || noiseStd > 0) {
                layers.add(new ShiftingNoise(noiseMean, noiseStd, init));
            }
        }

        private Layer norm(int channels, int dims) {
            if (norm != null) {
                return norm.make(channels, dims);
            }
            return BatchNorm.builder(channels, dims)
                    .momentum(momentum)
                    .center(center)
                    .scale(scale)
                    .affine(affine)
                    .build();
        }

        private Layer pool() {
            return maxPool ? new MaxPool2d(2, 2) : new AvgPool2d(2, 2);
        }

        /** A short description for legends and tables, e.g. "BN conv1 conv2, mean-only". */
        public String describe() {
            StringBuilder s = new StringBuilder();
            String[] names = {"conv1", "conv2", "fc1", "fc2"};
            int on = 0;
            for (int i = 0; i < PLACES; i++) {
                if (batchNorm[i]) {
                    s.append(on++ == 0 ? "BN " : " ").append(names[i]);
                }
            }
            if (on == 0) {
                s.append("no BN");
            } else if (on == PLACES) {
                s.setLength(0);
                s.append("BN everywhere");
            }
            if (on > 0 && norm != null) {
                s.replace(0, 2, normName);
            }
            if (on > 0 && !(center && scale)) {
                s.append(center ? ", mean-only" : ", variance-only");
            }
            if (on > 0 && !affine) {
                s.append(", γ=1 β=0 frozen");
            }
            if (on > 0 && momentum != BatchNormFunction.MOMENTUM) {
                s.append(", momentum ").append(momentum);
            }
            if (on > 0 && afterSigmoid) {
                s.append(", BN after sigmoid");
            }
            if (on > 0 && (noiseMean > 0 || noiseStd > 0)) {
                s.append(", noisy (mean ±")
                        .append(noiseMean)
                        .append(", std ≤ ")
                        .append(noiseStd)
                        .append(')');
            }
            if (dropout > 0) {
                s.append(", dropout ").append(dropout);
            }
            if (maxPool) {
                s.append(", max pooling");
            }
            return s.toString();
        }

        @Override
        public String toString() {
            return "LeNet.Builder(" + describe() + ")";
        }
    }
}
