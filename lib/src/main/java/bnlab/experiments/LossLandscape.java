package bnlab.experiments;

import bnlab.data.Batch;
import bnlab.nn.Parameter;
import bnlab.train.Classifier;
import bnlab.train.ScratchClassifier;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Santurkar et al.'s (2018) probes of the loss surface: at the current weights w, compute the
 * loss L and its gradient g on a fixed batch, then step along the gradient, w − η·g, for several
 * step sizes η, and measure there the loss and the gradient again. Three numbers summarize it:
 * <ul>
 *   <li>the <b>loss range</b>, max − min of L(w − η·g) over the steps: how much the loss changes
 *       along the direction the optimizer is about to move;</li>
 *   <li>the <b>gradient change</b>, max ‖∇L(w − η·g) − g‖: how far the gradient one step away
 *       is from the one used to take the step ("gradient predictiveness");</li>
 *   <li>the <b>effective β-smoothness</b>, max ‖∇L(w − η·g) − g‖ / ‖η·g‖: how fast the gradient
 *       changes per unit of distance moved.</li>
 * </ul>
 * The moving statistics are not touched and the weights are put back afterwards.
 */
public final class LossLandscape {

    /** The three summaries of one probe. */
    public record Probe(double lossRange, double gradientChange, double beta) {}

    /** The names {@link #measurements} gives the three summaries. */
    public static final String[] NAMES = {"loss range", "gradient change", "β-smoothness"};

    private LossLandscape() {}

    /** Probes the surface of {@code classifier}'s network at its weights, on {@code batch}, for these step sizes. */
    public static Probe probe(Classifier classifier, Batch batch, double... steps) {
        if (!(classifier instanceof ScratchClassifier c)) {
            throw new IllegalArgumentException(
                    "the landscape probe needs a network of bnlab.nn layers, got " + classifier.name());
        }
        if (steps.length == 0) {
            throw new IllegalArgumentException("give at least one step size, e.g. probe(c, batch, 0.5, 1, 2)");
        }
        List<Parameter> params = c.net().parameters();
        List<INDArray> w0 = new ArrayList<>();
        params.forEach(p -> w0.add(p.value().dup()));
        try {
            double l0 = c.lossAndGradient(batch);
            List<INDArray> g0 = new ArrayList<>();
            params.forEach(p -> g0.add(p.grad().dup()));
            double gNorm = norm(g0, null);
            double lo = l0;
            double hi = l0;
            double change = 0;
            double beta = 0;
            for (double eta : steps) {
                for (int i = 0; i < params.size(); i++) {
                    params.get(i).value().assign(w0.get(i)).subi(g0.get(i).mul(eta));
                }
                double l = c.lossAndGradient(batch);
                lo = Math.min(lo, l);
                hi = Math.max(hi, l);
                List<INDArray> g = new ArrayList<>();
                params.forEach(p -> g.add(p.grad()));
                double d = norm(g, g0);
                change = Math.max(change, d);
                beta = Math.max(beta, d / (eta * gNorm));
            }
            return new Probe(hi - lo, change, beta);
        } finally {
            for (int i = 0; i < params.size(); i++) {
                params.get(i).value().assign(w0.get(i));
            }
        }
    }

    /**
     * Per-epoch measurements for {@link Experiment#measureAll}: the probe on {@code batch} with
     * steps of {@code multiples} × the classifier's learning rate.
     */
    public static Function<Classifier, double[]> measurements(Batch batch, double... multiples) {
        return new Measurements(batch, multiples.clone());
    }

    /** The probe as a named object, so the run cache can fingerprint it (a lambda it could not). */
    private record Measurements(Batch batch, double[] multiples) implements Function<Classifier, double[]> {
        @Override
        public double[] apply(Classifier c) {
            double lr = ((ScratchClassifier) c).learningRate();
            double[] steps = new double[multiples.length];
            for (int i = 0; i < steps.length; i++) {
                steps[i] = multiples[i] * lr;
            }
            Probe p = probe(c, batch, steps);
            return new double[] {p.lossRange(), p.gradientChange(), p.beta()};
        }
    }

    /** ‖a − b‖ over all arrays (‖a‖ when b is null). */
    private static double norm(List<INDArray> a, List<INDArray> b) {
        double sum = 0;
        for (int i = 0; i < a.size(); i++) {
            INDArray d = b == null ? a.get(i) : a.get(i).sub(b.get(i));
            double n = d.norm2Number().doubleValue();
            sum += n * n;
        }
        return Math.sqrt(sum);
    }
}
