package bnlab.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnlab.FiniteDifferences;
import bnlab.Tolerances;
import bnlab.nn.LayerCatalog.Entry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What a network does with a layer that breaks the rules, or with a caller that does: the two
 * engines give the same result, and it is either right or a clear refusal, never a silently wrong
 * gradient. One test per rule, over every kind of layer where the rule concerns every layer.
 */
class SequentialContractTest {

    private static final boolean[] ENGINES = {true, false};

    private static INDArray random(long seed, long... shape) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.FLOAT, shape);
    }

    private static String engine(boolean fast) {
        return fast ? "fast engine" : "ND4J engine";
    }

    @Test
    void everyLayerClassIsCatalogued() throws Exception {
        assertEquals(
                List.of(),
                new ArrayList<>(LayerCatalog.uncatalogued()),
                "add these layers to LayerCatalog, so the tests over every layer cover them");
    }

    // 1. One layer object at two places.

    @Test
    void aLayerObjectAtTwoPlacesIsRefusedForEveryKindOfLayer() {
        for (Entry e : LayerCatalog.all()) {
            Layer layer = e.make().get();
            String msg = assertThrows(
                            IllegalArgumentException.class, () -> new Sequential(layer, new Sigmoid(), layer), e.name())
                    .getMessage();
            assertTrue(msg.contains("layer 2 (" + layer + ") is the same object as layer 0"), msg);
            assertTrue(msg.contains("new " + layer.getClass().getSimpleName() + "("), msg);
            String nested = assertThrows(
                            IllegalArgumentException.class,
                            () -> new Sequential(layer, new Sequential(new Sigmoid(), layer)),
                            e.name())
                    .getMessage();
            assertTrue(nested.contains("same object as layer 0"), nested);
        }
    }

    // 2. dY of the wrong shape.

    /** Shapes with dY's length but not the output's shape, and shapes with one example too many. */
    private static List<long[]> wrongShapes(long[] y) {
        List<long[]> wrong = new ArrayList<>();
        long[] reversed = y.clone();
        for (int i = 0; i < y.length; i++) {
            reversed[i] = y[y.length - 1 - i];
        }
        if (!Arrays.equals(reversed, y)) {
            wrong.add(reversed);
        }
        long[] more = y.clone();
        more[0]++;
        wrong.add(more);
        long rest = Arrays.stream(y).skip(1).reduce(1, (a, b) -> a * b);
        if (y.length != 2) {
            wrong.add(new long[] {y[0], rest});
        }
        return wrong;
    }

    @Test
    void aWronglyShapedDyIsRefusedWithTheSameMessageByBothEnginesForEveryLayer() {
        for (Entry e : LayerCatalog.all()) {
            INDArray x = random(1, e.inputShape());
            long[] yShape = e.make().get().forward(x.dup()).shape();
            for (long[] wrong : wrongShapes(yShape)) {
                String[] messages = new String[2];
                for (boolean fast : ENGINES) {
                    Sequential net = new Sequential(e.make().get()).useFastEngine(fast);
                    net.forward(x);
                    INDArray dY = random(2, wrong);
                    messages[fast ? 0 : 1] = assertThrows(
                                    IllegalArgumentException.class,
                                    () -> net.backward(dY),
                                    e + " " + Arrays.toString(wrong) + ", " + engine(fast))
                            .getMessage();
                }
                assertEquals(messages[1], messages[0], e + ": same message from both engines");
                assertTrue(
                        messages[0].contains("dY must have the shape of the output of the last forward pass, "
                                + Arrays.toString(yShape) + ", but got " + Arrays.toString(wrong)),
                        messages[0]);
                assertTrue(messages[0].contains("not a transposed or reshaped one"), messages[0]);
                // The layer alone, as a notebook calls it.
                Layer layer = e.make().get();
                layer.forward(x.dup());
                String alone = assertThrows(
                                IllegalArgumentException.class, () -> layer.backward(random(2, wrong)), e + " alone")
                        .getMessage();
                String name = layer instanceof Sequential ? "Sequential" : layer.toString();
                assertTrue(alone.startsWith(name + ".backward: dY must have the shape"), alone);
            }
        }
    }

    // 3. A layer of yours that returns null or a wrongly shaped gradient; nested networks.

    /** A layer written in a notebook: y = x·2, whose backward is given. */
    private static Layer doubler(Function<INDArray, INDArray> backward) {
        return new Layer() {
            @Override
            public INDArray forward(INDArray x) {
                return x.mul(2);
            }

            @Override
            public INDArray backward(INDArray dY) {
                return backward.apply(dY);
            }

            @Override
            public String toString() {
                return "Doubler()";
            }
        };
    }

    @Test
    void aLayerWhoseBackwardReturnsNullIsRefusedInBothEngines() {
        String[] messages = new String[2];
        for (boolean fast : ENGINES) {
            Sequential net = new Sequential(new Linear(3, 4, true, Init.seeded(1)), doubler(g -> null), new Sigmoid())
                    .useFastEngine(fast);
            net.forward(random(1, 5, 3));
            messages[fast ? 0 : 1] = assertThrows(
                            IllegalStateException.class, () -> net.backward(random(2, 5, 4)), engine(fast))
                    .getMessage();
        }
        assertEquals(messages[1], messages[0]);
        assertTrue(messages[0].startsWith("layer 1 (Doubler()): Doubler().backward returned null"), messages[0]);
        assertTrue(messages[0].contains("stop learning") && messages[0].contains("Return dX"), messages[0]);
    }

    @Test
    void aGradientShapedUnlikeTheInputIsRefusedInBothEngines() {
        String[] messages = new String[2];
        for (boolean fast : ENGINES) {
            Sequential net = new Sequential(
                            new Linear(3, 4, true, Init.seeded(1)),
                            doubler(g -> g.transpose().dup()),
                            new Sigmoid())
                    .useFastEngine(fast);
            net.forward(random(1, 5, 3));
            messages[fast ? 0 : 1] = assertThrows(
                            IllegalStateException.class, () -> net.backward(random(2, 5, 4)), engine(fast))
                    .getMessage();
        }
        assertEquals(messages[1], messages[0]);
        assertTrue(
                messages[0].contains("returned a gradient of shape [4, 5] for a forward input of shape [5, 4]"),
                messages[0]);
    }

    @Test
    void theFirstLayerMayReturnNullOnlyWhenTheInputGradientIsNotNeeded() {
        for (boolean fast : ENGINES) {
            Sequential net =
                    new Sequential(doubler(g -> null), new Linear(3, 2, true, Init.seeded(1))).useFastEngine(fast);
            net.forward(random(1, 4, 3));
            assertThrows(IllegalStateException.class, () -> net.backward(random(2, 4, 2)), engine(fast));
            net.inputGradientNotNeeded();
            net.forward(random(1, 4, 3));
            assertNull(net.backward(random(2, 4, 2)), engine(fast));
        }
    }

    /** The first layer of a nested network is not the network's first layer: it must pass its gradient on. */
    @Test
    void aNestedNetworkPassesTheGradientToTheLayersBeforeIt() {
        Supplier<Sequential> make = () -> new Sequential(
                new Linear(3, 4, true, Init.seeded(1)),
                new Sequential(new Linear(4, 2, true, Init.seeded(2)), new Sigmoid()));
        INDArray x = random(1, 6, 3);
        INDArray dY = random(2, 6, 2);
        List<INDArray> grads = new ArrayList<>();
        for (boolean fast : ENGINES) {
            Sequential net = make.get().useFastEngine(fast);
            net.inputGradientNotNeeded();
            net.forward(x);
            net.backward(dY);
            INDArray dW = net.parameters().get(0).grad();
            assertTrue(dW.amaxNumber().doubleValue() > 1e-4, engine(fast) + ": the first Linear got a gradient");
            grads.add(dW.dup());
        }
        BatchNormTesting.assertClose(
                grads.get(1), grads.get(0), Tolerances.FLOAT_ROUNDED_ONCE, "dW of the outer Linear, engines");
        Sequential exact = new Sequential(
                new Linear(3, 4, true, Init.seeded(1).dataType(DataType.DOUBLE)),
                new Sequential(new Linear(4, 2, true, Init.seeded(2).dataType(DataType.DOUBLE)), new Sigmoid()));
        FiniteDifferences.checkLayer(exact, x.castTo(DataType.DOUBLE), 3);
    }

    @Test
    void aForwardThatReturnsNullIsRefusedInBothEngines() {
        Layer broken = new Layer() {
            @Override
            public INDArray forward(INDArray x) {
                return null;
            }

            @Override
            public INDArray backward(INDArray dY) {
                return dY;
            }

            @Override
            public String toString() {
                return "Broken()";
            }
        };
        for (boolean fast : ENGINES) {
            Sequential net = new Sequential(new Sigmoid(), broken).useFastEngine(fast);
            String msg = assertThrows(IllegalStateException.class, () -> net.forward(random(1, 2, 3)), engine(fast))
                    .getMessage();
            assertEquals(
                    "layer 1 (Broken()): Broken().forward returned null: return the layer's output, a new array", msg);
        }
    }

    // 4. Editing arrays in place: a layer of yours, or the caller.

    /** Gradients of every parameter after one forward/backward of a sigmoid network around {@code middle}. */
    private static List<INDArray> gradients(Layer middle, boolean fast, boolean callerEdits) {
        Sequential net = new Sequential(
                        new Linear(3, 4, true, Init.seeded(1)),
                        new Sigmoid(),
                        middle,
                        new Sigmoid(),
                        new Linear(4, 2, true, Init.seeded(2)),
                        new Sigmoid())
                .useFastEngine(fast);
        INDArray x = random(1, 5, 3);
        INDArray dY = random(2, 5, 2);
        INDArray y = net.forward(x);
        if (callerEdits) {
            y.muli(0);
            x.muli(0);
        }
        net.backward(dY);
        if (callerEdits) {
            dY.muli(0);
        }
        List<INDArray> grads = new ArrayList<>();
        for (Parameter p : net.parameters()) {
            grads.add(p.grad().dup());
        }
        return grads;
    }

    private static void assertSameGradients(List<INDArray> expected, List<INDArray> actual, String what) {
        for (int i = 0; i < expected.size(); i++) {
            BatchNormTesting.assertClose(
                    expected.get(i), actual.get(i), Tolerances.FLOAT_ROUNDED_ONCE, what + ", parameter " + i);
        }
    }

    @Test
    void aLayerThatEditsItsInputAndDyInPlaceGetsTheSameGradientsInBothEngines() {
        Layer inPlace = new Layer() {
            @Override
            public INDArray forward(INDArray x) {
                return x.muli(2);
            }

            @Override
            public INDArray backward(INDArray dY) {
                return dY.muli(2);
            }
        };
        List<INDArray> clean = gradients(doubler(g -> g.mul(2)), false, false);
        for (boolean fast : ENGINES) {
            assertSameGradients(clean, gradients(inPlace, fast, false), "in-place doubler, " + engine(fast));
        }
    }

    @Test
    void editingTheInputTheOutputOrDyAfterwardsChangesNothingInEitherEngine() {
        for (boolean fast : ENGINES) {
            assertSameGradients(
                    gradients(new ReLU(), fast, false),
                    gradients(new ReLU(), fast, true),
                    "caller edits x, y and dY, " + engine(fast));
        }
    }
}
