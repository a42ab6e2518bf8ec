package bnlab.nn;

import static bnlab.nn.BatchNormTesting.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bnlab.Tolerances;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * What the batch-norm alternatives compute, checked against cases worked by hand and against
 * the layers they generalize: LN and IN as group norm's G = 1 and G = C, instance norm as batch
 * norm of one example, ghost batch norm as batch norm of each virtual batch, batch renorm as
 * batch norm when r_max = 1, d_max = 0, and as its own inference when nothing is clipped.
 */
class NormalizationLayersTest {

    private static final DataType D = DataType.DOUBLE;
    private static final double EPS = 1e-5;

    private static INDArray input(long seed, long... shape) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(D, shape).muli(2).addi(0.3);
    }

    private static INDArray rows(INDArray x, int from, int to) {
        return x.get(NDArrayIndex.interval(from, to), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
    }

    @Test
    void layerNormOfATwoByTwoByHand() {
        // Each row has mean 1.5 (3.5) and variance 0.25: x̂ = ±0.5/√(0.25 + ε) ≈ ±1.
        INDArray y = new LayerNorm(new long[] {2}, EPS, D).forward(Nd4j.create(new double[][] {{1, 2}, {3, 4}}));
        double v = 0.5 / Math.sqrt(0.25 + EPS);
        assertClose(Nd4j.create(new double[][] {{-v, v}, {-v, v}}), y, Tolerances.DOUBLE, "LayerNorm of [[1,2],[3,4]]");
    }

    @Test
    void groupNormWithOneGroupIsLayerNormWithPerChannelGammaAndBeta() {
        INDArray x = input(1, 3, 4, 2, 5);
        GroupNorm gn = new GroupNorm(1, 4, EPS, D);
        LayerNorm ln = new LayerNorm(new long[] {4, 2, 5}, EPS, D);
        INDArray gamma = Nd4j.create(new double[] {0.5, 1.5, 2, -1});
        INDArray beta = Nd4j.create(new double[] {0.1, -0.2, 0.3, 0});
        gn.gamma().assign(gamma);
        gn.beta().assign(beta);
        ln.gamma().assign(gamma.reshape(4, 1, 1).broadcast(4, 2, 5));
        ln.beta().assign(beta.reshape(4, 1, 1).broadcast(4, 2, 5));
        assertClose(ln.forward(x), gn.forward(x), Tolerances.DOUBLE, "output");
        INDArray dY = input(2, 3, 4, 2, 5);
        assertClose(ln.backward(dY), gn.backward(dY), Tolerances.DOUBLE, "dX");
        assertClose(
                ln.parameters().get(0).grad().sum(1, 2),
                gn.parameters().get(0).grad(),
                Tolerances.DOUBLE,
                "dGamma summed per channel");
        assertClose(
                ln.parameters().get(1).grad().sum(1, 2),
                gn.parameters().get(1).grad(),
                Tolerances.DOUBLE,
                "dBeta summed per channel");
    }

    @Test
    void instanceNormIsGroupNormWithOneChannelPerGroupAndBatchNormOfEachExample() {
        INDArray x = input(3, 3, 2, 4, 4);
        INDArray dY = input(4, 3, 2, 4, 4);
        InstanceNorm in = new InstanceNorm(2, EPS, D);
        GroupNorm gn = new GroupNorm(2, 2, EPS, D);
        in.gamma().assign(Nd4j.create(new double[] {1.5, 0.5}));
        gn.gamma().assign(in.gamma());
        INDArray y = in.forward(x);
        INDArray dX = in.backward(dY);
        assertClose(gn.forward(x), y, Tolerances.DOUBLE, "IN = GN(C, C) output");
        assertClose(gn.backward(dY), dX, Tolerances.DOUBLE, "IN = GN(C, C) dX");
        INDArray dGamma = Nd4j.zeros(D, 1, 2, 1, 1);
        for (int n = 0; n < 3; n++) {
            BatchNorm bn = new BatchNorm(2, 4, EPS, 0.9, D);
            bn.gamma().assign(in.gamma().reshape(1, 2, 1, 1));
            assertClose(bn.forward(rows(x, n, n + 1)), rows(y, n, n + 1), Tolerances.DOUBLE, "IN = BN of example " + n);
            assertClose(bn.backward(rows(dY, n, n + 1)), rows(dX, n, n + 1), Tolerances.DOUBLE, "dX of example " + n);
            dGamma.addi(bn.parameters().get(0).grad());
        }
        assertClose(dGamma.reshape(2), in.parameters().get(0).grad(), Tolerances.DOUBLE, "dGamma summed over examples");
    }

    @Test
    void perExampleNormsIgnoreTheRestOfTheBatchAndTheMode() {
        INDArray x = input(5, 4, 6, 3, 3);
        for (PerExampleNorm m : List.of(
                new GroupNorm(3, 6, EPS, D),
                new InstanceNorm(6, EPS, D),
                new LayerNorm(new long[] {6, 3, 3}, EPS, D))) {
            INDArray all = m.forward(x);
            assertClose(
                    all.get(NDArrayIndex.interval(2, 3)).dup(),
                    m.forward(rows(x, 2, 3)),
                    Tolerances.DOUBLE,
                    m + " example 2 alone");
            m.eval();
            assertClose(all, m.forward(x), Tolerances.DOUBLE, m + " in inference mode");
        }
    }

    @Test
    void ghostBatchNormIsBatchNormOfEachVirtualBatchAndAveragesItsStatistics() {
        INDArray x = input(6, 5, 3, 2, 2);
        INDArray dY = input(7, 5, 3, 2, 2);
        GhostBatchNorm ghost = new GhostBatchNorm(3, 4, 2, EPS, 0.9, D);
        ghost.gamma().assign(Nd4j.create(new double[] {2, 0.5, 1}).reshape(1, 3, 1, 1));
        INDArray y = ghost.forward(x);
        INDArray dX = ghost.backward(dY);
        INDArray dGamma = Nd4j.zeros(D, 1, 3, 1, 1);
        INDArray batchMean = Nd4j.zeros(D, 1, 3, 1, 1);
        INDArray batchVar = Nd4j.zeros(D, 1, 3, 1, 1);
        int[][] virtual = {{0, 2}, {2, 4}, {4, 5}};
        for (int[] v : virtual) {
            // Momentum 0 makes the moving statistics the batch's own.
            BatchNorm bn = new BatchNorm(3, 4, EPS, 0.0, D);
            bn.gamma().assign(ghost.gamma());
            assertClose(
                    bn.forward(rows(x, v[0], v[1])), rows(y, v[0], v[1]), Tolerances.DOUBLE, "virtual batch " + v[0]);
            assertClose(
                    bn.backward(rows(dY, v[0], v[1])),
                    rows(dX, v[0], v[1]),
                    Tolerances.DOUBLE,
                    "dX of virtual batch " + v[0]);
            dGamma.addi(bn.parameters().get(0).grad());
            double weight = (v[1] - v[0]) / 5.0;
            batchMean.addi(bn.movingMean().mul(weight));
            batchVar.addi(bn.movingVar().mul(weight));
        }
        assertClose(dGamma, ghost.parameters().get(0).grad(), Tolerances.DOUBLE, "dGamma summed over virtual batches");
        // One update per batch: 0.9·(0, 1) + 0.1·(size-weighted average of the virtual batches).
        assertClose(batchMean.mul(0.1), ghost.movingMean(), Tolerances.DOUBLE, "moving mean");
        assertClose(batchVar.mul(0.1).addi(0.9), ghost.movingVar(), Tolerances.DOUBLE, "moving var");
    }

    @Test
    void ghostBatchNormWithAVirtualBatchAsLargeAsTheBatchIsBatchNorm() {
        INDArray x = input(8, 6, 4);
        BatchNorm bn = new BatchNorm(4, 2, EPS, 0.9, D);
        GhostBatchNorm ghost = new GhostBatchNorm(4, 2, 6, EPS, 0.9, D);
        assertClose(bn.forward(x), ghost.forward(x), Tolerances.DOUBLE, "output");
        assertClose(bn.movingVar(), ghost.movingVar(), Tolerances.DOUBLE, "moving var");
        ghost.eval();
        bn.eval();
        assertClose(bn.forward(x), ghost.forward(x), Tolerances.DOUBLE, "inference output");
    }

    @Test
    void batchRenormWithRMaxOneAndDMaxZeroIsBatchNorm() {
        INDArray x = input(9, 4, 3, 2, 3);
        INDArray dY = input(10, 4, 3, 2, 3);
        BatchNorm bn = new BatchNorm(3, 4, EPS, 0.9, D);
        BatchRenorm renorm = new BatchRenorm(3, 4, EPS, 0.9, D).setLimits(1, 0);
        renorm.movingMean().assign(2.0);
        assertClose(bn.forward(x), renorm.forward(x), Tolerances.DOUBLE, "output");
        assertClose(bn.backward(dY), renorm.backward(dY), Tolerances.DOUBLE, "dX");
        assertClose(bn.parameters().get(0).grad(), renorm.parameters().get(0).grad(), Tolerances.DOUBLE, "dGamma");
        assertEquals(
                2.0 * 0.9 + 0.1 * x.mean(0, 2, 3).getDouble(1),
                renorm.movingMean().getDouble(1),
                Tolerances.DOUBLE,
                "moving mean");
    }

    @Test
    void batchRenormUnclippedTrainsWithTheInferenceOutputAndBatchNormsGradientScaledByR() {
        INDArray x = input(11, 5, 2, 3, 3);
        INDArray dY = input(12, 5, 2, 3, 3);
        BatchRenorm renorm =
                new BatchRenorm(2, 4, EPS, 0.9, D).setLimits(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);
        renorm.movingMean().assign(Nd4j.create(new double[] {0.5, -1}).reshape(1, 2, 1, 1));
        renorm.movingVar().assign(Nd4j.create(new double[] {2, 9}).reshape(1, 2, 1, 1));
        renorm.gamma().assign(Nd4j.create(new double[] {1.5, 0.5}).reshape(1, 2, 1, 1));
        BatchRenorm frozen = new BatchRenorm(2, 4, EPS, 0.9, D);
        frozen.movingMean().assign(renorm.movingMean());
        frozen.movingVar().assign(renorm.movingVar());
        frozen.gamma().assign(renorm.gamma());
        frozen.eval();
        // r and d from the moving statistics before the update: x̂ = (x − μ)/σ exactly.
        assertClose(frozen.forward(x), renorm.forward(x), Tolerances.DOUBLE, "training output = inference output");
        // No gradient through r, d: dX is batch norm's with γ·r, r = σ_B/σ.
        INDArray sigmaB = Transforms.sqrt(x.var(false, 0, 2, 3).addi(EPS));
        INDArray r = sigmaB.div(Transforms.sqrt(frozen.movingVar().reshape(2).add(EPS)));
        BatchNorm bn = new BatchNorm(2, 4, EPS, 0.9, D);
        bn.gamma().assign(renorm.gamma().reshape(2).mul(r).reshape(1, 2, 1, 1));
        bn.forward(x);
        assertClose(bn.backward(dY), renorm.backward(dY), Tolerances.DOUBLE, "dX = batch norm's with gamma·r");
        assertNotEquals(frozen.backward(dY), renorm.backward(dY), "training dX is not inference dX");
    }

    @Test
    void theRenormScheduleRampsLikeThePaper() {
        BatchRenorm.Schedule paper = BatchRenorm.Schedule.paper();
        assertEquals(1, paper.rMaxAt(0));
        assertEquals(1, paper.rMaxAt(5_000));
        assertEquals(2, paper.rMaxAt(22_500), Tolerances.DOUBLE);
        assertEquals(3, paper.rMaxAt(40_000));
        assertEquals(3, paper.rMaxAt(1_000_000));
        assertEquals(0, paper.dMaxAt(5_000));
        assertEquals(2.5, paper.dMaxAt(15_000), Tolerances.DOUBLE);
        assertEquals(5, paper.dMaxAt(25_000));
        BatchRenorm layer = new BatchRenorm(2, 2).schedule(BatchRenorm.Schedule.scaledTo(16));
        INDArray x = input(13, 4, 2).castTo(DataType.FLOAT);
        double[] rMax = new double[17];
        for (int step = 0; step <= 16; step++) {
            layer.forward(x);
            rMax[step] = layer.rMax();
        }
        assertEquals(1, rMax[2], "batch norm for the first 1/8 of the run");
        assertEquals(1 + 2.0 * (9 - 2) / (16 - 2), rMax[9], Tolerances.DOUBLE, "linear in between");
        assertEquals(3, rMax[16], Tolerances.DOUBLE, "r_max = 3 at the end");
        assertEquals(5, layer.dMax(), "d_max = 5 from 5/8 of the run on");
        layer.eval().forward(x);
        assertEquals(17, layer.steps(), "inference steps do not count");
    }

    @Test
    void badArgumentsNameTheFix() {
        String e = assertThrows(IllegalArgumentException.class, () -> new GroupNorm(4, 6))
                .getMessage();
        assertTrue(e.contains("[1, 2, 3, 6]"), e);
        e = assertThrows(IllegalArgumentException.class, () -> new InstanceNorm(3)
                        .forward(Nd4j.ones(DataType.FLOAT, 2, 3)))
                .getMessage();
        assertTrue(e.contains("LayerNorm"), e);
        e = assertThrows(IllegalArgumentException.class, () -> new LayerNorm(120)
                        .forward(Nd4j.ones(DataType.FLOAT, 2, 84)))
                .getMessage();
        assertTrue(e.contains("new LayerNorm(84)"), e);
        e = assertThrows(IllegalArgumentException.class, () -> new LayerNorm(6, 24, 24)
                        .forward(Nd4j.ones(DataType.INT32, 1, 6, 24, 24)))
                .getMessage();
        assertTrue(e.contains("castTo"), e);
        e = assertThrows(IllegalArgumentException.class, () -> new BatchRenorm(3, 4).setLimits(0.5, 1))
                .getMessage();
        assertTrue(e.contains("r_max must be >= 1"), e);
        e = assertThrows(IllegalArgumentException.class, () -> new GhostBatchNorm(3, 4, 0))
                .getMessage();
        assertTrue(e.contains("virtualBatch"), e);
        e = assertThrows(IllegalArgumentException.class, () -> new GroupNorm(1, 2)
                        .forward(Nd4j.create(new float[] {1, Float.NaN}, new long[] {1, 2})))
                .getMessage();
        assertTrue(e.contains("NaN") && e.contains("learning rate"), e);
    }

    @Test
    void toStringShowsTheHyperparameters() {
        assertEquals("GroupNorm(2, 6, eps=1.0E-5)", new GroupNorm(2, 6).toString());
        assertEquals("InstanceNorm(6, eps=1.0E-5, affine, no running statistics)", new InstanceNorm(6).toString());
        assertEquals("LayerNorm([6, 24, 24], eps=1.0E-5, gamma/beta per element)", new LayerNorm(6, 24, 24).toString());
        assertEquals(
                "GhostBatchNorm(6, numDims=4, eps=1.0E-5, momentum=0.9, virtualBatch=32, training)",
                new GhostBatchNorm(6, 4, 32).toString());
        assertEquals(
                "BatchRenorm(84, numDims=2, eps=1.0E-5, momentum=0.9, r_max=3.0, d_max=5.0, inference)",
                new BatchRenorm(84, 2).eval().toString());
    }
}
