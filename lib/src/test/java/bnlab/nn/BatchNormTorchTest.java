package bnlab.nn;

import static bnlab.nn.BatchNormTesting.assertClose;
import static bnlab.nn.BatchNormTesting.flat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnlab.Tolerances;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/**
 * Replays cases computed by {@code torch.nn.BatchNorm1d/2d} (momentum=0.1, eps=1e-5; made by
 * {@code scripts/reference/torch_batchnorm_cases.py}, which says how to regenerate them) through
 * our float {@link BatchNorm} layer: several training steps on new batches, then one inference
 * step; forward output, running statistics, and dX, dGamma, dBeta for a given upstream gradient.
 *
 * <p>Conventions converted:
 * <ul>
 * <li>momentum: PyTorch's 0.1 weighs the batch, our 0.9 the old value: the same update, no conversion.</li>
 * <li>running variance: PyTorch averages the UNBIASED batch variance (× m/(m−1), m = N·H·W values
 *     per channel), we average the biased one. Both start at 1 and m is the same every step, so
 *     after k steps {@code ours = 0.9^k + (m−1)/m · (torch − 0.9^k)}; the test converts PyTorch's
 *     value this way and compares. (The running mean needs no conversion.)</li>
 * <li>inference: PyTorch normalizes with its own (unbiased) running variance, so before the
 *     inference step the test loads PyTorch's running statistics into our layer, as loading a
 *     checkpoint would; that step then checks the inference formula alone.</li>
 * </ul>
 * PyTorch computed in float64 from float32 inputs, so the deviations printed are our float error.
 */
class BatchNormTorchTest {

    /** In the lib's main resources: the assignment's hidden tests replay it too (bnlab.grading.TorchCases). */
    static final String RESOURCE = "torch-batchnorm-cases.json";
    /** max |ours − torch| / (1 + max |torch|): float32 arithmetic against a float64 reference. */
    static final double MOMENTUM = 0.9;

    static JsonNode data() throws IOException {
        return json(RESOURCE);
    }

    /** A JSON test resource of this package (the reference cases). */
    static JsonNode json(String resource) throws IOException {
        try (InputStream in = BatchNormTorchTest.class.getResourceAsStream(resource)) {
            assertNotNull(in, "missing test resource bnlab/nn/" + resource);
            return new ObjectMapper().readTree(in);
        }
    }

    static List<Arguments> cases() throws IOException {
        JsonNode root = data();
        assertEquals(0.1, root.get("momentum_torch").asDouble());
        assertEquals(1e-5, root.get("eps").asDouble());
        List<Arguments> cases = new ArrayList<>();
        root.get("cases").forEach(c -> cases.add(Arguments.of(c.get("name").asText(), c)));
        assertTrue(cases.size() >= 5, "expected several cases, got " + cases.size());
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void replaysPyTorch(String name, JsonNode c) {
        long[] shape = longs(c.get("shape"));
        int channels = (int) shape[1];
        long m = 1;
        for (int d = 0; d < shape.length; d++) {
            m *= d == 1 ? 1 : shape[d];
        }
        BatchNorm layer = new BatchNorm(channels, shape.length);
        layer.gamma().assign(array(c.get("gamma"), layer.gamma().shape()));
        layer.beta().assign(array(c.get("beta"), layer.beta().shape()));

        int k = 0;
        for (JsonNode step : c.get("train")) {
            k++;
            String what = name + " training step " + k;
            replayStep(layer, step, shape, what);
            compare("running mean", doubles(step.get("running_mean")), flat(layer.movingMean()), what);
            double decay = Math.pow(MOMENTUM, k);
            double[] torchVar = doubles(step.get("running_var"));
            double[] biased = new double[channels];
            for (int i = 0; i < channels; i++) {
                biased[i] = decay + (m - 1.0) / m * (torchVar[i] - decay);
            }
            compare("running var (converted to biased)", biased, flat(layer.movingVar()), what);
        }

        JsonNode eval = c.get("eval");
        layer.movingMean()
                .assign(array(eval.get("running_mean"), layer.movingMean().shape()));
        layer.movingVar()
                .assign(array(eval.get("running_var"), layer.movingVar().shape()));
        layer.eval();
        replayStep(layer, eval, shape, name + " inference");
        compare("running mean", doubles(eval.get("running_mean")), flat(layer.movingMean()), name + " inference");
        compare("running var", doubles(eval.get("running_var")), flat(layer.movingVar()), name + " inference");
    }

    /** One forward and backward through our layer, compared with PyTorch's outputs. */
    static void replayStep(BatchNorm layer, JsonNode step, long[] shape, String what) {
        INDArray x = array(step.get("x"), shape);
        INDArray dy = array(step.get("dy"), shape);
        compare("y", doubles(step.get("y")), flat(layer.forward(x)), what);
        compare("dX", doubles(step.get("dx")), flat(layer.backward(dy)), what);
        compare(
                "dGamma",
                doubles(step.get("dgamma")),
                flat(layer.parameters().get(0).grad()),
                what);
        compare(
                "dBeta",
                doubles(step.get("dbeta")),
                flat(layer.parameters().get(1).grad()),
                what);
    }

    /** Largest deviation per quantity over all cases, printed in the test log (the figure quoted in the README and the notebooks). */
    static final Map<String, Double> WORST = new ConcurrentSkipListMap<>();

    static void compare(String quantity, double[] torch, double[] ours, String what) {
        double dev = assertClose(torch, ours, Tolerances.FLOAT_LIBRARY, quantity + ", " + what);
        WORST.merge(quantity, dev, Math::max);
    }

    @AfterAll
    static void report() throws IOException {
        String version = data().get("torch_version").asText();
        WORST.forEach((q, v) -> System.out.printf(
                "largest deviation vs PyTorch %s, %-34s %.2e  (tolerance %.0e)%n",
                version, q, v, Tolerances.FLOAT_LIBRARY));
    }

    /** A float array of the given shape; the JSON holds float32 values, so the cast is exact. */
    static INDArray array(JsonNode values, long[] shape) {
        return Nd4j.create(doubles(values), shape, 'c').castTo(DataType.FLOAT);
    }

    static double[] doubles(JsonNode values) {
        double[] v = new double[values.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = values.get(i).asDouble();
        }
        return v;
    }

    static long[] longs(JsonNode values) {
        long[] v = new long[values.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = values.get(i).asLong();
        }
        return v;
    }
}
