package bnlab.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnlab.nn.LayerCatalog.Entry;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A network that diverged sends NaN into its normalization layers: every one of them says so
 * with a {@link DivergenceException}, in both engines, named by its place in the network, so
 * an experiment can tell a diverged run from a bug by the type of the error.
 */
class DivergenceTest {

    private static INDArray withNaN(long... shape) {
        Nd4j.getRandom().setSeed(1);
        INDArray x = Nd4j.randn(DataType.FLOAT, shape);
        x.putScalar(1, Float.NaN);
        return x;
    }

    @Test
    void everyNormalizationLayerReportsNaNInputAsDivergenceInBothEngines() {
        assertTrue(LayerCatalog.normalizations().size() >= 9, "the catalog lists the normalization layers");
        for (Entry e : LayerCatalog.normalizations()) {
            String[] messages = new String[2];
            for (boolean fast : new boolean[] {true, false}) {
                Sequential net = new Sequential(new Sigmoid(), e.make().get()).useFastEngine(fast);
                INDArray x = withNaN(e.inputShape());
                DivergenceException d =
                        assertThrows(DivergenceException.class, () -> net.forward(x), e + (fast ? " fast" : " plain"));
                messages[fast ? 0 : 1] = d.getMessage();
                assertTrue(d.getMessage().startsWith("layer 1 ("), d.getMessage());
                assertTrue(d.getMessage().contains("NaN") && d.getMessage().contains("learning rate"), d.getMessage());
            }
            assertEquals(messages[1], messages[0], e + ": the same message from both engines");
        }
    }

    @Test
    void brokenMovingStatisticsAreABadArgumentNotADivergence() {
        BatchNorm bn = new BatchNorm(3, 2);
        bn.movingVar().putScalar(0, Double.NaN);
        bn.eval();
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> bn.forward(Nd4j.rand(DataType.FLOAT, 4, 3)));
        assertFalse(e instanceof DivergenceException, e.getMessage());
        assertTrue(e.getMessage().contains("moving statistics passed in are broken"), e.getMessage());
    }

    @Test
    void aNestedNetworkKeepsTheType() {
        Sequential inner = new Sequential(new Linear(3, 3, true, Init.seeded(1)), new BatchNorm(3, 2));
        Sequential net = new Sequential(new Sigmoid(), inner);
        DivergenceException d = assertThrows(DivergenceException.class, () -> net.forward(withNaN(4, 3)));
        assertTrue(
                d.getMessage().startsWith("layer 1 (Sequential")
                        && d.getMessage().contains("layer 1 (BatchNorm"),
                d.getMessage());
    }
}
