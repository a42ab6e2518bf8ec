package bnlab.nn;

import bnlab.nn.kernel.BatchNormalizer;
import bnlab.nn.kernel.SmallArrays;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Batch renormalization (Ioffe 2017, "Batch Renormalization: Towards Reducing Minibatch
 * Dependence in Batch-Normalized Models"), notebook 9. Training mode normalizes with the batch
 * statistics μ_B, σ_B = √(σ²_B + ε) and then corrects towards the moving statistics
 * μ, σ = √(σ²_moving + ε):
 * <pre>
 *   r = clip(σ_B / σ, 1/r_max, r_max),   d = clip((μ_B − μ) / σ, −d_max, d_max)
 *   x̂ = (x − μ_B)/σ_B · r + d,   y = γ·x̂ + β
 * </pre>
 * r and d are treated as constants in the backward pass (the paper's stop_gradient): with
 * u = (x − μ_B)/σ_B and g = γ·r·dY, dX = (g − mean(g) − u·mean(g·u))/σ_B, dγ = Σ dY·x̂, dβ = Σ dY.
 * When nothing is clipped, x̂ = (x − μ)/σ: training computes what inference will, which is the
 * point — the output of an example no longer depends on the rest of its batch. With r_max = 1,
 * d_max = 0 it is exactly batch norm.
 *
 * <p>r and d are computed from the moving statistics <em>before</em> this batch updates them. The
 * moving statistics are BatchNorm's (mean and biased variance, momentum 0.9, starting at 0 and
 * 1), and inference is BatchNorm's inference; the paper averages σ itself, we keep the variance
 * and take σ = √(σ²_moving + ε), so that inference uses the formula it always does.
 *
 * <p>The clipping limits default to the paper's final values r_max = 3, d_max = 5;
 * {@link #setLimits} fixes others, and {@link #schedule(Schedule)} ramps them as the paper does
 * (batch norm for a while, then gradually more correction), counting this layer's training steps.
 */
public class BatchRenorm extends BatchStatisticsNorm {

    /** The paper's final limits. */
    public static final double R_MAX = 3;

    public static final double D_MAX = 5;

    private double rMax = R_MAX;
    private double dMax = D_MAX;
    private Schedule schedule;
    private long steps;

    /** eps 1e-5, momentum 0.9, float, limits r_max = 3, d_max = 5. */
    public BatchRenorm(int numFeatures, int numDims) {
        this(numFeatures, numDims, BatchNormFunction.EPS, BatchNormFunction.MOMENTUM, DataType.FLOAT);
    }

    public BatchRenorm(int numFeatures, int numDims, double eps, double momentum, DataType type) {
        super(numFeatures, numDims, eps, momentum, type, true);
    }

    /**
     * How r_max and d_max grow with the training step t: r_max = 1 and d_max = 0 (plain batch
     * norm) until {@code warmupSteps}, then linearly to {@code rMax} at step {@code rMaxAt} and to
     * {@code dMax} at step {@code dMaxAt}, constant after. The paper: "r_max = 1, d_max = 0 for
     * the first 5000 training steps, after which these were gradually relaxed to reach r_max = 3
     * at 40k steps, and d_max = 5 at 25k steps" ({@link #paper()}; "gradually" taken as linear).
     */
    public record Schedule(long warmupSteps, long rMaxAt, double rMax, long dMaxAt, double dMax) {

        public Schedule {
            if (warmupSteps < 0 || rMaxAt <= warmupSteps || dMaxAt <= warmupSteps) {
                throw new IllegalArgumentException("BatchRenorm.Schedule: need 0 <= warmupSteps < rMaxAt and "
                        + "warmupSteps < dMaxAt, got warmupSteps=" + warmupSteps + ", rMaxAt=" + rMaxAt + ", dMaxAt="
                        + dMaxAt);
            }
            checkLimits(rMax, dMax);
        }

        /** The paper's schedule (its Inception runs on ImageNet). */
        public static Schedule paper() {
            return new Schedule(5_000, 40_000, R_MAX, 25_000, D_MAX);
        }

        /**
         * The paper's shape squeezed into {@code totalSteps}: batch norm for the first 1/8, r_max
         * reaches 3 at the end, d_max reaches 5 at 5/8 (5k, 40k and 25k of 40k steps).
         */
        public static Schedule scaledTo(long totalSteps) {
            if (totalSteps < 8) {
                throw new IllegalArgumentException(
                        "BatchRenorm.Schedule.scaledTo needs at least 8 steps, got " + totalSteps);
            }
            return new Schedule(totalSteps / 8, totalSteps, R_MAX, totalSteps * 5 / 8, D_MAX);
        }

        public double rMaxAt(long step) {
            return ramp(step, rMaxAt, 1, rMax);
        }

        public double dMaxAt(long step) {
            return ramp(step, dMaxAt, 0, dMax);
        }

        private double ramp(long step, long end, double from, double to) {
            if (step <= warmupSteps) {
                return from;
            }
            if (step >= end) {
                return to;
            }
            return from + (to - from) * (step - warmupSteps) / (end - warmupSteps);
        }
    }

    private static void checkLimits(double rMax, double dMax) {
        if (!(rMax >= 1) || !(dMax >= 0)) {
            throw new IllegalArgumentException("BatchRenorm: r is clipped to [1/r_max, r_max] and d to "
                    + "[-d_max, d_max], so r_max must be >= 1 and d_max >= 0 (1 and 0 give batch norm; the paper "
                    + "ends at 3 and 5; infinity means no clipping), got r_max=" + rMax + ", d_max=" + dMax);
        }
    }

    /** Fixed limits from now on (and no schedule). */
    public BatchRenorm setLimits(double rMax, double dMax) {
        checkLimits(rMax, dMax);
        this.rMax = rMax;
        this.dMax = dMax;
        this.schedule = null;
        return this;
    }

    /** Limits from {@code schedule} at this layer's training step, from the next training batch on. */
    public BatchRenorm schedule(Schedule schedule) {
        this.schedule = java.util.Objects.requireNonNull(schedule, "schedule");
        return this;
    }

    /** Batch statistics corrected towards the moving ones by r and d (computed before the moving ones move). */
    @Override
    BatchNormalizer trainingStep(long[] shape, double[][] mean, double[][] var) {
        checkBatch(shape, mean, var);
        double[][] c = renormalize(mean[0], var[0]);
        return new BatchNormalizer(
                true, true, mean, new double[][] {c[0]}, new double[][] {c[1]}, new double[][] {c[2]});
    }

    /**
     * One training step from the batch's per-channel mean and biased variance: the limits for
     * this step, then {1/σ_B, r, d} against the moving statistics as they were, then the moving
     * statistics' update and the step count.
     */
    private double[][] renormalize(double[] mean, double[] var) {
        if (schedule != null) {
            rMax = schedule.rMaxAt(steps);
            dMax = schedule.dMaxAt(steps);
        }
        double[] movingMean = SmallArrays.read(movingMean());
        double[] movingVar = SmallArrays.read(movingVar());
        int channels = mean.length;
        double[] invStd = new double[channels];
        double[] r = new double[channels];
        double[] d = new double[channels];
        for (int c = 0; c < channels; c++) {
            double sigmaB = Math.sqrt(var[c] + eps());
            double sigma = Math.sqrt(movingVar[c] + eps());
            invStd[c] = 1 / sigmaB;
            r[c] = Math.min(Math.max(sigmaB / sigma, 1 / rMax), rMax);
            d[c] = Math.min(Math.max((mean[c] - movingMean[c]) / sigma, -dMax), dMax);
        }
        if (!movingStatistics().collecting()) {
            steps++; // Precise BN's passes are not training steps
        }
        movingStatistics().record(mean, var);
        return new double[][] {invStd, r, d};
    }

    public double rMax() {
        return rMax;
    }

    public double dMax() {
        return dMax;
    }

    /** Training batches seen (what the schedule counts). */
    public long steps() {
        return steps;
    }

    @Override
    public String toString() {
        return "BatchRenorm(" + describe() + ", r_max=" + rMax + ", d_max=" + dMax
                + (schedule == null ? "" : ", scheduled") + ", " + mode() + ")";
    }
}
