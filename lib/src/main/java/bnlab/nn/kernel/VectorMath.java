package bnlab.nn.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
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
 * here: copying short rows with vectors (im2col moves rows of 8 or 24) and summing shifted rows
 * (a convolution's input gradient).
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

    /** Lanes L/2 .. L−1: joins the end of one short row and the start of the next in one vector. */
    private static final VectorMask<Float> UPPER_HALF = VectorMask.fromLong(S, ((1L << S.length()) - 1) & -(1L << (S.length() / 2)));

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

    /**
     * Copies a block of {@code rows} rows of {@code cols} floats, {@code stride} floats apart in
     * src, to consecutive floats of dst (im2col's inner loop). Rows of L/2 floats (LeNet's 8 on
     * 512-bit vectors) are not copied half a vector at a time: two rows are joined into one vector
     * from two loads (the first reads past its row, the second starts before its row, both inside
     * the block), and only one vector width is used, because mixing widths in one program makes
     * the JIT give up on every vector operation.
     */
    public static void copyRows(float[] src, int srcOff, int stride, int rows, int cols, float[] dst, int dstOff) {
        int l = S.length();
        int half = l / 2;
        int whole = cols - cols % l;
        if (cols % l == half && stride >= cols) {
            int r = 0;
            for (; r + 2 <= rows; r += 2) {
                int a = srcOff + r * stride;
                int b = a + stride;
                int d = dstOff + r * cols;
                for (int j = 0; j < whole; j += l) {
                    FloatVector.fromArray(S, src, a + j).intoArray(dst, d + j);
                }
                FloatVector.fromArray(S, src, a + whole)
                        .blend(FloatVector.fromArray(S, src, b - half), UPPER_HALF).intoArray(dst, d + whole);
                for (int j = 0; j < whole; j += l) {
                    FloatVector.fromArray(S, src, b + half + j).intoArray(dst, d + whole + l + j);
                }
            }
            if (r < rows) {
                copy(src, srcOff + r * stride, dst, dstOff + r * cols, cols);
            }
            return;
        }
        for (int r = 0; r < rows; r++) {
            copy(src, srcOff + r * stride, dst, dstOff + r * cols, cols);
        }
    }

    /** dst[dstOff + t] = Σ_i src[offsets[i] + t] for t &lt; len, the terms added in the order of {@code offsets}. */
    public static void sumShifted(float[] src, int[] offsets, float[] dst, int dstOff, int len) {
        int t = 0;
        for (; t + S.length() <= len; t += S.length()) {
            FloatVector acc = FloatVector.zero(S);
            for (int off : offsets) {
                acc = acc.add(FloatVector.fromArray(S, src, off + t));
            }
            acc.intoArray(dst, dstOff + t);
        }
        for (; t < len; t++) {
            float acc = 0f;
            for (int off : offsets) {
                acc += src[off + t];
            }
            dst[dstOff + t] = acc;
        }
    }
}
