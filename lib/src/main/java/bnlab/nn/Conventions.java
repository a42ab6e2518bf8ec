package bnlab.nn;

import java.util.List;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * How batch norm's bookkeeping differs between the chapter's sources and the frameworks
 * (notebook 9): what the "momentum" of the moving averages weighs and its default, whether the
 * running variance is the biased or the unbiased batch variance, the default ε, the moving
 * variance's first value, and what is stored. Every row is checked by {@code ConventionsTest}:
 * by running the library where it is on our class path (ours, DL4J), against PyTorch's own
 * recorded output (the reference JSON), and otherwise against the quoted source.
 *
 * <p>All of them update moving = w·moving + (1 − w)·batch; they differ in whether the
 * parameter they call momentum (or decay) is w or 1 − w. {@code Conventions.table()} shows the
 * rows as a Tablesaw table.
 */
public final class Conventions {

    private Conventions() {}

    /** What the momentum parameter is the weight of in moving = w·moving + (1 − w)·batch. */
    public enum Weighs {
        /** The parameter is w, the weight of the old moving value (d2l-zh, Keras, DL4J, ours). */
        OLD_VALUE,
        /** The parameter is 1 − w, the weight of the batch (PyTorch, d2l-en since PR #2213). */
        BATCH
    }

    /** Which batch variance enters the moving average: divided by m (biased) or by m − 1 (unbiased). */
    public enum RunningVariance {
        BIASED,
        UNBIASED
    }

    /**
     * One source's convention.
     *
     * @param source           who (and which tab or class)
     * @param parameter        the name of the momentum parameter and its default, as written there
     * @param value            that default
     * @param weighs           what it weighs
     * @param runningVariance  which variance is averaged
     * @param eps              default ε
     * @param initialVariance  the moving variance before training
     * @param stored           what the layer keeps
     * @param checkedBy        how the row is checked
     */
    public record Convention(
            String source,
            String parameter,
            double value,
            Weighs weighs,
            RunningVariance runningVariance,
            double eps,
            double initialVariance,
            String stored,
            String checkedBy) {

        /** w, the weight of the old moving value. */
        public double weightOfOld() {
            return weighs == Weighs.OLD_VALUE ? value : 1 - value;
        }

        /** The default update of one moving value. */
        public double movingAverage(double old, double batch) {
            return weightOfOld() * old + (1 - weightOfOld()) * batch;
        }

        /** The batch variance this source averages, from the biased one over m values. */
        public double averagedVariance(double biasedVariance, long m) {
            return runningVariance == RunningVariance.UNBIASED ? biasedVariance * m / (m - 1) : biasedVariance;
        }
    }

    public static final Convention D2L_ZH = new Convention(
            "d2l-zh (PyTorch tab)",
            "momentum=0.9",
            0.9,
            Weighs.OLD_VALUE,
            RunningVariance.BIASED,
            1e-5,
            1,
            "variance",
            "source: d2l-zh batch-norm.md");
    public static final Convention D2L_EN = new Convention(
            "d2l-en (PyTorch tab)",
            "momentum=0.1",
            0.1,
            Weighs.BATCH,
            RunningVariance.BIASED,
            1e-5,
            1,
            "variance",
            "source: d2l-en batch-norm.md (PR #2213)");
    public static final Convention D2L_JAVA = new Convention(
            "d2l-java (DJL, BatchNormBlock)",
            "momentum=0.9f",
            0.9,
            Weighs.OLD_VALUE,
            RunningVariance.BIASED,
            1e-12,
            0,
            "variance",
            "source: d2l-java batch-norm.ipynb");
    public static final Convention PYTORCH = new Convention(
            "PyTorch nn.BatchNorm2d",
            "momentum=0.1",
            0.1,
            Weighs.BATCH,
            RunningVariance.UNBIASED,
            1e-5,
            1,
            "variance (running_var)",
            "test: PyTorch 2.15 output (torch-norm-cases.json)");
    public static final Convention KERAS = new Convention(
            "Keras 3 BatchNormalization",
            "momentum=0.99",
            0.99,
            Weighs.OLD_VALUE,
            RunningVariance.BIASED,
            1e-3,
            1,
            "variance (moving_variance)",
            "source: keras batch_normalization.py");
    public static final Convention DL4J = new Convention(
            "DL4J 1.0.0-M2.1 BatchNormalization",
            "decay=0.9",
            0.9,
            Weighs.OLD_VALUE,
            RunningVariance.BIASED,
            1e-5,
            1,
            "log10 of the std, log10 √(moving variance) (useLogStd=true; ε added at inference)",
            "test: runs DL4J's layer");
    public static final Convention OURS = new Convention(
            "BN Lab BatchNorm (ours)",
            "momentum=0.9",
            BatchNormFunction.MOMENTUM,
            Weighs.OLD_VALUE,
            RunningVariance.BIASED,
            BatchNormFunction.EPS,
            1,
            "variance",
            "test: runs our layer");

    /** The rows in the order the notebook shows them. */
    public static List<Convention> rows() {
        return List.of(D2L_ZH, D2L_EN, D2L_JAVA, PYTORCH, KERAS, DL4J, OURS);
    }

    /** The rows as a table: a bare {@code Conventions.table()} prints itself in a notebook. */
    public static Table table() {
        List<Convention> rows = rows();
        return Table.create(
                "Batch norm conventions",
                StringColumn.create("source", rows.stream().map(Convention::source)),
                StringColumn.create("momentum parameter", rows.stream().map(Convention::parameter)),
                StringColumn.create(
                        "it weighs",
                        rows.stream().map(r -> r.weighs() == Weighs.BATCH ? "the batch" : "the old value")),
                DoubleColumn.create("weight of old value", rows.stream().mapToDouble(Convention::weightOfOld)),
                StringColumn.create(
                        "running variance",
                        rows.stream().map(r -> r.runningVariance().name().toLowerCase())),
                DoubleColumn.create("eps", rows.stream().mapToDouble(Convention::eps)),
                DoubleColumn.create("initial moving variance", rows.stream().mapToDouble(Convention::initialVariance)),
                StringColumn.create("stored", rows.stream().map(Convention::stored)),
                StringColumn.create("checked by", rows.stream().map(Convention::checkedBy)));
    }
}
