package bnlab;

import static org.junit.jupiter.api.Assertions.assertTrue;

import bnlab.nn.Layer;
import bnlab.nn.Parameter;
import java.util.function.DoubleSupplier;
import java.util.function.IntToDoubleFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The one finite-difference check of the tests: central differences in double precision,
 * ∂L/∂a_i ≈ (L(a_i + h) − L(a_i − h)) / 2h, compared with a hand-written backward pass relative
 * to the largest gradient. For a {@link Layer}, the loss is L = Σ y·R for a fixed random R, so
 * dL/dy = R and backward(R) must give every derivative of L.
 */
public final class FiniteDifferences {

    /** The step h: truncation error ~h²·L''' ≈ 1e-12, rounding error ~1e-16·|L|/h ≈ 1e-10. */
    public static final double STEP = 1e-6;

    private FiniteDifferences() {}

    /** ∂loss/∂a by central differences, perturbing {@code a} in place (each value restored afterwards). */
    public static INDArray derivative(INDArray a, DoubleSupplier loss) {
        INDArray flat = a.reshape(a.length());
        double[] grad = central((int) a.length(), flat::getDouble, (i, v) -> flat.putScalar(i, v), loss);
        return Nd4j.create(grad, a.shape(), 'c');
    }

    /** ∂loss/∂a by central differences for plain arrays (the kernel tests' double loops), {@code a} restored. */
    public static double[] derivative(double[] a, DoubleSupplier loss) {
        return central(a.length, i -> a[i], (i, v) -> a[i] = v, loss);
    }

    /** Writes value {@code v} at index {@code i} of the array being perturbed. */
    private interface Setter {
        void set(int i, double v);
    }

    private static double[] central(int n, IntToDoubleFunction get, Setter set, DoubleSupplier loss) {
        double[] grad = new double[n];
        for (int i = 0; i < n; i++) {
            double v = get.applyAsDouble(i);
            set.set(i, v + STEP);
            double plus = loss.getAsDouble();
            set.set(i, v - STEP);
            double minus = loss.getAsDouble();
            set.set(i, v);
            grad[i] = (plus - minus) / (2 * STEP);
        }
        return grad;
    }

    /**
     * max |analytic − numeric| / max(10⁻², max |numeric|): relative to the largest gradient,
     * absolute for a gradient that is ~0 (a bias before a batch norm has none).
     */
    public static double relativeError(INDArray analytic, INDArray numeric, String what) {
        return relativeError(
                analytic.castTo(DataType.DOUBLE)
                        .dup('c')
                        .reshape(analytic.length())
                        .toDoubleVector(),
                numeric.castTo(DataType.DOUBLE)
                        .dup('c')
                        .reshape(numeric.length())
                        .toDoubleVector(),
                what);
    }

    /** {@link #relativeError(INDArray, INDArray, String)} for plain arrays. */
    public static double relativeError(double[] a, double[] n, String what) {
        assertTrue(a.length == n.length, what + ": " + a.length + " analytic values, " + n.length + " numeric");
        double worst = 0;
        double scale = 0;
        for (int i = 0; i < n.length; i++) {
            double d = Math.abs(a[i] - n[i]);
            worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(worst, d);
            scale = Math.max(scale, Math.abs(n[i]));
        }
        return worst / Math.max(1e-2, scale);
    }

    /** Asserts the analytic gradient matches {@link #derivative} within {@link Tolerances#FINITE_DIFFERENCES}; returns the error. */
    public static double assertGradient(INDArray analytic, INDArray values, DoubleSupplier loss, String what) {
        return assertWithin(relativeError(analytic, derivative(values, loss), what), what);
    }

    /** {@link #assertGradient(INDArray, INDArray, DoubleSupplier, String)} for plain arrays. */
    public static double assertGradient(double[] analytic, double[] values, DoubleSupplier loss, String what) {
        return assertWithin(relativeError(analytic, derivative(values, loss), what), what);
    }

    private static double assertWithin(double error, String what) {
        assertTrue(
                error <= Tolerances.FINITE_DIFFERENCES,
                what + ": relative error " + error + " > " + Tolerances.FINITE_DIFFERENCES);
        return error;
    }

    /**
     * Checks a layer's input gradient (unless it returns none) and every parameter's gradient on
     * input {@code x} (double precision); returns the largest relative error.
     */
    public static double checkLayer(Layer layer, INDArray x, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray r = Nd4j.randn(DataType.DOUBLE, layer.forward(x).shape());
        layer.forward(x);
        INDArray dX = layer.backward(r);
        dX = dX == null ? null : dX.dup();
        DoubleSupplier loss = () -> layer.forward(x).mul(r).sumNumber().doubleValue();
        double worst = 0;
        if (dX != null) {
            worst = Math.max(worst, assertGradient(dX, x, loss, "dX of " + layer));
        }
        for (Parameter p : layer.parameters()) {
            INDArray analytic = p.grad().dup();
            worst = Math.max(worst, assertGradient(analytic, p.value(), loss, "d" + p.name() + " of " + layer));
        }
        return worst;
    }
}
