package bnlab;

/**
 * Every numerical tolerance of the tests, named by what is compared, so that one comparison is
 * held to the same standard everywhere. Deviations are measured relative to the larger values
 * (see each test's helper): max |expected − actual| / max(1, max |expected|).
 */
public final class Tolerances {

    private Tolerances() {}

    /**
     * The same formula in double precision, computed in two ways that differ only in the order
     * of additions (or by a handful of roundings): agreement to about 10⁴ units of 2⁻⁵².
     */
    public static final double DOUBLE = 1e-12;

    /**
     * A float result against the exact (double) result of the same formula, when the float code
     * sums in double and rounds once at the end: a few float rounding steps (2⁻²⁴ ≈ 6e-8 each).
     */
    public static final double FLOAT_ROUNDED_ONCE = 1e-6;

    /**
     * Our float result against another library's float result for the same case (PyTorch,
     * DL4J, SameDiff): two independent float computations of a few hundred values.
     */
    public static final double FLOAT_LIBRARY = 1e-5;

    /**
     * Two float computations of the same formula that add in different orders and groupings
     * (the fast engine's vector lanes against the layers, another library's float code): the
     * rounding of sums over thousands of values.
     */
    public static final double FLOAT = 2e-5;

    /**
     * A float sum (of values, or of products as in a matrix product) against its exact value,
     * relative to the sum of the terms' sizes Σ|t|; also two float sums of the same terms split
     * into different partial sums. Float sums of up to a few hundred thousand terms stay far
     * below this; a term left out or counted twice is off by far more.
     */
    public static final double FLOAT_SUM = 1e-5;

    /**
     * A whole network in float run by both engines for a few training steps: the float
     * differences of every layer compound through the layers and the updates.
     */
    public static final double FLOAT_NETWORK = 1e-4;

    /**
     * A hand-written backward pass against central finite differences in double precision (step
     * {@link FiniteDifferences#STEP}): truncation ~h²·L''' and rounding ~10⁻¹⁶·|L|/h, relative to
     * the largest gradient; measured at most 2.2e-8 over the tests' cases (a small LeNet end to end).
     */
    public static final double FINITE_DIFFERENCES = 1e-7;

    /** Float approximations of elementary functions ({@code VectorMath.exp}): a few units in the last place. */
    public static final double FLOAT_FUNCTION = 3e-7;
}
