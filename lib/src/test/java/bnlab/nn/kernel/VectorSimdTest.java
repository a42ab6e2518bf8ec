package bnlab.nn.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnlab.Tolerances;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * The Vector API path's exponential: close to Math.exp, and the vector and scalar versions (and
 * the plain path's) agree bit for bit; lanes are added left to right.
 */
class VectorSimdTest {

    /** Largest relative error allowed against Math.exp: a few units in the last place of a float. */
    @Test
    void expIsAccurateOverItsRangeAndVectorEqualsScalar() {
        SplittableRandom random = new SplittableRandom(3);
        int lanes = FloatVector.SPECIES_PREFERRED.length();
        float[] x = new float[lanes * 20000];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextDouble() * 175.3 - 87.3);
        }
        x[0] = 0f;
        x[1] = -87.3f;
        x[2] = 88f;
        float[] v = new float[x.length];
        for (int i = 0; i < x.length; i += lanes) {
            VectorSimd.exp(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, x, i))
                    .intoArray(v, i);
        }
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            double exact = Math.exp(x[i]);
            worst = Math.max(worst, Math.abs(v[i] - exact) / exact);
            assertEquals(
                    Float.floatToIntBits(VectorSimd.exp(x[i])),
                    Float.floatToIntBits(v[i]),
                    "vector and scalar exp differ at x = " + x[i]);
            assertEquals(
                    Float.floatToIntBits(PlainSimd.exp(x[i])),
                    Float.floatToIntBits(v[i]),
                    "the plain loops' exp differs at x = " + x[i]);
        }
        System.out.printf("exp: largest relative error %.3g over [-87.3, 88]%n", worst);
        assertTrue(worst < Tolerances.FLOAT_FUNCTION, "relative error " + worst);
        assertEquals(1f, VectorSimd.exp(0f));
        assertTrue(VectorSimd.exp(-1000f) > 0 && VectorSimd.exp(-1000f) < 1.3e-38, "clamped below");
        assertTrue(Float.isFinite(VectorSimd.exp(1000f)), "clamped above");
    }

    @Test
    void lanesAreAddedLeftToRight() {
        int lanes = FloatVector.SPECIES_PREFERRED.length();
        float[] a = new float[lanes];
        a[0] = 1e8f;
        a[1] = 1f;
        a[lanes - 1] = -1e8f;
        // Left to right: (1e8 + 1) rounds back to 1e8, then − 1e8 gives exactly 0.
        assertEquals(0f, VectorSimd.sumLanes(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, a, 0)));
    }
}
