package bnlab.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Central finite differences in double precision for any {@link Layer}: with the loss
 * L = Σ y·R for a fixed random R, dL/dy = R, so backward(R) must equal the numerical
 * derivatives of L with respect to the input and to every parameter.
 */
final class GradientCheck {

    /** Relative error allowed between backward and finite differences (h = 1e-6, double). */
    static final double TOLERANCE = 1e-6;
    private static final double H = 1e-6;

    private GradientCheck() {
    }

    /** Checks dX (unless the layer returns null for it) and every parameter's gradient. */
    static double check(Layer m, INDArray x, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray y0 = m.forward(x).dup();
        INDArray r = Nd4j.randn(DataType.DOUBLE, y0.shape());
        INDArray dX = m.backward(r);
        dX = dX == null ? null : dX.dup();
        double worst = 0;
        if (dX != null) {
            worst = Math.max(worst, compare("dX of " + m, dX, x, () -> loss(m, x, r)));
        }
        for (Parameter p : m.parameters()) {
            INDArray analytic = p.grad().dup();
            worst = Math.max(worst, compare("d" + p.name() + " of " + m, analytic, p.value(), () -> loss(m, x, r)));
        }
        return worst;
    }

    private static double loss(Layer m, INDArray x, INDArray r) {
        return m.forward(x).mul(r).sumNumber().doubleValue();
    }

    /** Perturbs each element of {@code values} in place, compares with {@code analytic}. */
    private static double compare(String what, INDArray analytic, INDArray values, Supplier<Double> loss) {
        INDArray flat = values.reshape(values.length());
        INDArray grads = analytic.reshape(analytic.length());
        double worst = 0;
        double scale = Math.max(1e-3, grads.amaxNumber().doubleValue());
        for (long i = 0; i < flat.length(); i++) {
            double v = flat.getDouble(i);
            flat.putScalar(i, v + H);
            double up = loss.get();
            flat.putScalar(i, v - H);
            double down = loss.get();
            flat.putScalar(i, v);
            double numeric = (up - down) / (2 * H);
            worst = Math.max(worst, Math.abs(numeric - grads.getDouble(i)) / scale);
        }
        assertTrue(worst <= TOLERANCE, what + ": relative error " + worst + " > " + TOLERANCE);
        return worst;
    }
}
