package bnlab.nn.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The two vector operations whose built-in versions would make results depend on the JIT:
 * {@code reduceLanes(ADD)} adds lanes in an unspecified order, and the built-in exponential may
 * differ in the last bit between interpreted and compiled code. Here lanes are added left to
 * right, and e^x is Cephes' single-precision {@code expf} (range reduction by powers of two, a
 * degree-5 polynomial; relative error below 2·10⁻⁷) written with plain adds, multiplies and
 * fused multiply-adds, which round the same way everywhere: the same inputs give the same bits.
 * Each operation has a scalar twin for loop tails that computes exactly the same thing. Also
 * here: copying and adding short rows with vectors (im2col and col2im move rows of 8 or 24).
 */
public final class VectorMath {

    private static final VectorSpecies<Float> S = Gemm.S;
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** The range where 2ⁿ stays a normal float: e^−87.3 ≈ 1.2·10⁻³⁸, e^88 ≈ 1.7·10³⁸. */
    private static final float MIN = -87.3f;
    private static final float MAX = 88f;
    /** 1.5·2²³: adding and subtracting it rounds a float to the nearest integer. */
    private static final float ROUND = 12582912f;
    private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);
    private static final float[] P = {1.9875691500e-4f, 1.3981999507e-3f, 8.3334519073e-3f,
        4.1665795894e-2f, 1.6666665459e-1f, 5.0000001201e-1f};

    private VectorMath() {
    }

    /** v[0] + v[1] + … + v[L−1], left to right. */
    public static float sumLanes(FloatVector v) {
        if (S.length() == 8) { // AVX2: unrolled, the JIT turns each lane() into one extract
            return v.lane(0) + v.lane(1) + v.lane(2) + v.lane(3) + v.lane(4) + v.lane(5) + v.lane(6) + v.lane(7);
        }
        float s = v.lane(0);
        for (int i = 1; i < S.length(); i++) {
            s += v.lane(i);
        }
        return s;
    }

    /** e^x lane by lane, for x in [−87.3, 88] (inputs outside are clamped to that range). */
    public static FloatVector exp(FloatVector x) {
        x = x.max(MIN).min(MAX);
        // t = ROUND + n exactly, so n = t − ROUND and, in t's bits, n = bits(t) − bits(ROUND).
        FloatVector t = x.fma(FloatVector.broadcast(S, LOG2E), FloatVector.broadcast(S, ROUND));
        FloatVector n = t.sub(ROUND);
        FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), x);
        r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
        FloatVector p = FloatVector.broadcast(S, P[0]);
        for (int i = 1; i < P.length; i++) {
            p = p.fma(r, FloatVector.broadcast(S, P[i]));
        }
        p = p.fma(r.mul(r), r).add(1f);
        IntVector bits = ((IntVector) t.reinterpretAsInts()).sub(ROUND_BITS - 127).lanewise(VectorOperators.LSHL, 23);
        return p.mul(bits.reinterpretAsFloats());
    }

    /** The scalar twin of {@link #exp(FloatVector)}: the same operations, the same result. */
    public static float exp(float x) {
        x = Math.min(Math.max(x, MIN), MAX);
        float t = Math.fma(x, LOG2E, ROUND);
        float n = t - ROUND;
        float r = Math.fma(n, -LN2_HI, x);
        r = Math.fma(n, -LN2_LO, r);
        float p = P[0];
        for (int i = 1; i < P.length; i++) {
            p = Math.fma(p, r, P[i]);
        }
        p = Math.fma(p, r * r, r) + 1f;
        return p * Float.intBitsToFloat((Float.floatToRawIntBits(t) - (ROUND_BITS - 127)) << 23);
    }

    /** dst[dstOff, +len) = src[srcOff, +len), vector by vector: short rows copy faster than with arraycopy. */
    public static void copy(float[] src, int srcOff, float[] dst, int dstOff, int len) {
        int i = 0;
        for (int bound = S.loopBound(len); i < bound; i += S.length()) {
            FloatVector.fromArray(S, src, srcOff + i).intoArray(dst, dstOff + i);
        }
        for (; i < len; i++) {
            dst[dstOff + i] = src[srcOff + i];
        }
    }

    /** dst[dstOff, +len) += src[srcOff, +len). */
    public static void add(float[] src, int srcOff, float[] dst, int dstOff, int len) {
        int i = 0;
        for (int bound = S.loopBound(len); i < bound; i += S.length()) {
            FloatVector.fromArray(S, dst, dstOff + i).add(FloatVector.fromArray(S, src, srcOff + i)).intoArray(dst, dstOff + i);
        }
        for (; i < len; i++) {
            dst[dstOff + i] += src[srcOff + i];
        }
    }
}
