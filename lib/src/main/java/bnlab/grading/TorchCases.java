package bnlab.grading;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/**
 * The cases PyTorch's {@code nn.BatchNorm1d/2d} computed (momentum 0.1, eps 1e-5, running
 * statistics from 0 and 1), which the library's tests replay ({@code BatchNormTorchTest}) and the
 * assignment's hidden tests grade a student's batch norm against. Made by
 * {@code scripts/reference/torch_batchnorm_cases.py}; each case has three training steps and one
 * inference step, each with its input {@code x}, upstream gradient {@code dy} and PyTorch's
 * {@code y}, {@code dx}, {@code dgamma}, {@code dbeta} and running statistics after the step.
 *
 * <p>Arrays come back in double precision, shaped like the input ({@link Case#array}) or per
 * channel as {@code (1, C)} / {@code (1, C, 1, 1)} ({@link Case#perChannel}), so they drop into a
 * from-scratch {@code batchNorm(X, gamma, beta, movingMean, movingVar, eps, momentum, mode)}.
 */
public final class TorchCases {

    /** The resource, beside the library's {@code bnlab.nn} classes. */
    public static final String RESOURCE = "/bnlab/nn/torch-batchnorm-cases.json";
    /** d2l's momentum (weight of the old value) that PyTorch's momentum 0.1 equals. */
    public static final double MOMENTUM = 0.9;

    public static final double EPS = 1e-5;

    private TorchCases() {}

    /** One step as PyTorch computed it. */
    public record Step(
            double[] x,
            double[] dy,
            double[] y,
            double[] dx,
            double[] dgamma,
            double[] dbeta,
            double[] runningMean,
            double[] runningVar) {}

    /** One layer: its input shape, γ and β, the training steps and the inference step. */
    public record Case(String name, long[] shape, double[] gamma, double[] beta, List<Step> train, Step eval) {

        /** Values shaped like the input, e.g. {@code array(step.x())}. */
        public INDArray array(double[] values) {
            return Nd4j.create(values, shape, DataType.DOUBLE);
        }

        /** Per-channel values shaped {@code (1, C)} or {@code (1, C, 1, 1)}. */
        public INDArray perChannel(double[] values) {
            long[] s = shape.length == 2 ? new long[] {1, shape[1]} : new long[] {1, shape[1], 1, 1};
            return Nd4j.create(values, s, DataType.DOUBLE);
        }

        /** Values per channel: {@code N} for a 2-D input, {@code N·H·W} for a 4-D one. */
        public long valuesPerChannel() {
            long m = 1;
            for (int d = 0; d < shape.length; d++) {
                m *= d == 1 ? 1 : shape[d];
            }
            return m;
        }

        /**
         * PyTorch's running variance after {@code steps} training steps converted to d2l's
         * convention: PyTorch averages the unbiased batch variance (× m/(m−1)), d2l the biased one;
         * both start at 1, so {@code d2l = 0.9^k + (m−1)/m · (torch − 0.9^k)}.
         */
        public INDArray biasedRunningVar(double[] torchRunningVar, int steps) {
            double m = valuesPerChannel();
            double start = Math.pow(MOMENTUM, steps);
            double[] out = new double[torchRunningVar.length];
            for (int c = 0; c < out.length; c++) {
                out[c] = start + (m - 1) / m * (torchRunningVar[c] - start);
            }
            return perChannel(out);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Every case, in the file's order. */
    public static List<Case> load() {
        try (InputStream in = TorchCases.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the library has no " + RESOURCE + ": rebuild it with "
                        + "`mvn -B -q package -DskipTests` (scripts/setup.sh does it).");
            }
            JsonNode root = new ObjectMapper().readTree(in);
            List<Case> cases = new ArrayList<>();
            for (JsonNode c : root.get("cases")) {
                List<Step> train = new ArrayList<>();
                c.get("train").forEach(s -> train.add(step(s)));
                long[] shape = new long[c.get("shape").size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = c.get("shape").get(i).asLong();
                }
                cases.add(new Case(
                        c.get("name").asText(),
                        shape,
                        doubles(c.get("gamma")),
                        doubles(c.get("beta")),
                        List.copyOf(train),
                        step(c.get("eval"))));
            }
            return List.copyOf(cases);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + RESOURCE, e);
        }
    }

    private static Step step(JsonNode s) {
        return new Step(
                doubles(s.get("x")),
                doubles(s.get("dy")),
                doubles(s.get("y")),
                doubles(s.get("dx")),
                doubles(s.get("dgamma")),
                doubles(s.get("dbeta")),
                doubles(s.get("running_mean")),
                doubles(s.get("running_var")));
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }
}
