package bnlab.nn;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * How layers get their first weights: PyTorch's default for {@code nn.Conv2d} and
 * {@code nn.Linear}, weights and biases drawn from U(−1/√fanIn, 1/√fanIn) (what
 * {@code kaiming_uniform_(a=√5)} reduces to), from a seeded generator so a run can be repeated.
 *
 * <p>Layers built without an explicit {@code Init} draw from a shared default, reset with
 * {@link #manualSeed(long)} like {@code torch.manual_seed}. Tests and gradient checks pass their
 * own: {@code Init.seeded(1).dataType(DataType.DOUBLE)}.
 *
 * <p>{@link #xavier()} draws the weights as d2l's {@code train_ch6} re-initializes them,
 * {@code nn.init.xavier_uniform_}: U(−a, a) with a = √(6/(fanIn + fanOut)); biases keep
 * PyTorch's default.
 */
public final class Init {

    private static Init shared = seeded(42);

    private final SplittableRandom random;
    private final DataType dataType;
    private final boolean xavier;

    private Init(SplittableRandom random, DataType dataType, boolean xavier) {
        this.random = random;
        this.dataType = dataType;
        this.xavier = xavier;
    }

    /** A generator of float parameters seeded with {@code seed}. */
    public static Init seeded(long seed) {
        return new Init(new SplittableRandom(seed), DataType.FLOAT, false);
    }

    /** The same generator making parameters of {@code type} (DOUBLE for gradient checks). */
    public Init dataType(DataType type) {
        return new Init(random, type, xavier);
    }

    /** The same generator drawing weights Xavier-uniform, as d2l's {@code train_ch6} does. */
    public Init xavier() {
        return new Init(random, dataType, true);
    }

    public boolean isXavier() {
        return xavier;
    }

    public DataType dataType() {
        return dataType;
    }

    /** Restarts the shared default generator, as {@code torch.manual_seed(seed)} does. */
    public static synchronized void manualSeed(long seed) {
        shared = seeded(seed);
    }

    /** The shared default generator (float). */
    public static synchronized Init shared() {
        return shared;
    }

    /**
     * A weight array of {@code shape}: U(−1/√fanIn, 1/√fanIn), or Xavier-uniform
     * U(−√(6/(fanIn + fanOut)), ·) with {@link #xavier()}.
     */
    public synchronized INDArray weights(long fanIn, long fanOut, long... shape) {
        return xavier ? draw(Math.sqrt(6.0 / (fanIn + fanOut)), shape) : uniform(fanIn, shape);
    }

    /** An array of {@code shape} with values from U(−1/√fanIn, 1/√fanIn) (PyTorch's default; biases). */
    public synchronized INDArray uniform(long fanIn, long... shape) {
        return draw(1 / Math.sqrt(fanIn), shape);
    }

    private INDArray draw(double bound, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        double[] v = new double[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (2 * random.nextDouble() - 1) * bound;
        }
        return Nd4j.create(v, shape, 'c').castTo(dataType);
    }

    /** A seed for a layer's own random numbers (dropout masks), drawn from this generator. */
    public synchronized long nextSeed() {
        return random.nextLong();
    }

    @Override
    public String toString() {
        return "Init(" + (xavier ? "weights Xavier-uniform, biases " : "") + "U(-1/sqrt(fanIn), 1/sqrt(fanIn)), "
                + dataType + ")";
    }
}
