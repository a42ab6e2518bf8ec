package bnlab.nn;

import static bnlab.nn.BatchNormTesting.assertClose;
import static bnlab.nn.BatchNormTesting.flat;
import static bnlab.nn.BatchNormTorchTest.array;
import static bnlab.nn.BatchNormTorchTest.doubles;
import static bnlab.nn.BatchNormTorchTest.longs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnlab.Tolerances;
import bnlab.nn.kernel.FastLayer;
import bnlab.nn.kernel.Tensor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.databind.JsonNode;

/**
 * Replays cases computed by {@code torch.nn.LayerNorm}, {@code nn.GroupNorm} and
 * {@code nn.InstanceNorm2d(affine=True, track_running_stats=False)} (eps 1e-5; made by
 * {@code scripts/reference/torch_norm_cases.py}, which says how to regenerate them) through our
 * float {@link LayerNorm}, {@link GroupNorm} and {@link InstanceNorm}, and through their fast
 * twins: output y, and dX, dγ, dβ for a given upstream gradient. No conventions to convert: these
 * layers keep no running statistics, and ours follow PyTorch's parameter shapes (LayerNorm's γ
 * per element of {@code normalized_shape}, GroupNorm's and InstanceNorm's per channel).
 * PyTorch computed in float64 from float32 inputs, so the printed deviations are our float error.
 */
class NormalizationTorchTest {

    static final String RESOURCE = "torch-norm-cases.json";

    static JsonNode data() throws IOException {
        return BatchNormTorchTest.json(RESOURCE);
    }

    static List<Arguments> cases() throws IOException {
        JsonNode root = data();
        assertEquals(1e-5, root.get("eps").asDouble());
        List<Arguments> cases = new ArrayList<>();
        root.get("cases").forEach(c -> cases.add(Arguments.of(c.get("name").asText(), c)));
        for (String layer : new String[] {"LayerNorm", "GroupNorm", "InstanceNorm2d"}) {
            assertTrue(
                    cases.stream()
                                    .filter(a -> ((JsonNode) a.get()[1])
                                            .get("layer")
                                            .asText()
                                            .equals(layer))
                                    .count()
                            >= 2,
                    "expected several " + layer + " cases");
        }
        return cases;
    }

    private static PerExampleNorm layer(JsonNode c, long[] shape) {
        PerExampleNorm layer =
                switch (c.get("layer").asText()) {
                    case "LayerNorm" -> new LayerNorm(longs(c.get("normalized_shape")));
                    case "GroupNorm" -> new GroupNorm(c.get("groups").asInt(), (int) shape[1]);
                    case "InstanceNorm2d" -> new InstanceNorm((int) shape[1]);
                    default -> throw new IllegalArgumentException("unknown layer " + c.get("layer"));
                };
        layer.gamma().assign(array(c.get("gamma"), layer.gamma().shape()));
        layer.beta().assign(array(c.get("beta"), layer.beta().shape()));
        return layer;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void replaysPyTorch(String name, JsonNode c) {
        long[] shape = longs(c.get("shape"));
        String kind = c.get("layer").asText();
        INDArray x = array(c.get("x"), shape);
        INDArray dy = array(c.get("dy"), shape);

        PerExampleNorm ours = layer(c, shape);
        compare(kind, "y", c.get("y"), ours.forward(x), name);
        compare(kind, "dX", c.get("dx"), ours.backward(dy), name);
        compare(kind, "dGamma", c.get("dgamma"), ours.parameters().get(0).grad(), name);
        compare(kind, "dBeta", c.get("dbeta"), ours.parameters().get(1).grad(), name);

        PerExampleNorm owner = layer(c, shape);
        FastLayer twin = owner.fastLayer();
        compare(
                kind,
                "y (fast engine)",
                c.get("y"),
                twin.forward(Tensor.copyOf(x, null)).toINDArray(),
                name);
        compare(
                kind,
                "dX (fast engine)",
                c.get("dx"),
                twin.backward(Tensor.copyOf(dy, null)).toINDArray(),
                name);
        compare(
                kind,
                "dGamma (fast engine)",
                c.get("dgamma"),
                owner.parameters().get(0).grad(),
                name);
        compare(
                kind,
                "dBeta (fast engine)",
                c.get("dbeta"),
                owner.parameters().get(1).grad(),
                name);
    }

    /** Largest deviation per layer and quantity over all cases, printed in the test log (the figure quoted in the README and the notebooks). */
    static final Map<String, Double> WORST = new ConcurrentSkipListMap<>();

    private static void compare(String layer, String quantity, JsonNode torch, INDArray ours, String what) {
        double dev = assertClose(doubles(torch), flat(ours), Tolerances.FLOAT_LIBRARY, quantity + ", " + what);
        WORST.merge(layer + " " + quantity, dev, Math::max);
        WORST.merge(layer + " (all quantities)", dev, Math::max);
    }

    @AfterAll
    static void report() throws IOException {
        String version = data().get("torch_version").asText();
        WORST.forEach((q, v) -> System.out.printf(
                "largest deviation vs PyTorch %s, %-40s %.2e  (tolerance %.0e)%n",
                version, q, v, Tolerances.FLOAT_LIBRARY));
    }
}
