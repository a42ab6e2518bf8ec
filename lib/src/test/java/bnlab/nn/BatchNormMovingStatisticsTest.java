package bnlab.nn;

import static bnlab.nn.BatchNormTesting.assertClose;
import static bnlab.nn.BatchNormTesting.flat;
import static bnlab.nn.BatchNormTesting.perChannelShape;

import bnlab.Tolerances;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * After k training steps on different batches, the moving statistics are the exponential
 * average in closed form,
 * {@code moving_k = momentum^k · init + (1 − momentum) · Σ_{i=1..k} momentum^(k−i) · stat_i},
 * where stat_i is batch i's mean or biased variance, computed here with plain double loops.
 */
class BatchNormMovingStatisticsTest {

    static final int STEPS = 6;
    static final double MOMENTUM = 0.9;
    /** Double: the recursion and the closed form differ only by rounding. */
    /** Float: the layer stores its moving statistics in float, rounding once per step. */
    static List<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (DataType t : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            cases.add(Arguments.of(new long[] {6, 3}, t));
            cases.add(Arguments.of(new long[] {5, 1}, t));
            cases.add(Arguments.of(new long[] {4, 2, 3, 5}, t));
        }
        return cases;
    }

    /** The layer starts from mean 0 and variance 1. */
    @ParameterizedTest
    @MethodSource("cases")
    void layerFollowsTheClosedForm(long[] shape, DataType type) {
        int c = (int) shape[1];
        BatchNorm layer = new BatchNorm(c, shape.length, 1e-5, MOMENTUM, type);
        List<double[][]> stats = new ArrayList<>();
        Nd4j.getRandom().setSeed(5);
        for (int k = 0; k < STEPS; k++) {
            // Each batch has its own centre and spread, so the average really moves.
            INDArray x =
                    Nd4j.randn(DataType.DOUBLE, shape).muli(1 + k).addi(3 - k).castTo(type);
            stats.add(batchStatistics(x));
            layer.forward(x);
        }
        double tol = type == DataType.DOUBLE ? Tolerances.DOUBLE : Tolerances.FLOAT_ROUNDED_ONCE;
        assertClose(closedForm(new double[c], stats, 0), flat(layer.movingMean()), tol, "moving mean " + type);
        assertClose(closedForm(ones(c), stats, 1), flat(layer.movingVar()), tol, "moving var " + type);
    }

    /** The function, fed its own results back, from a random start (so the init term matters). */
    @ParameterizedTest
    @MethodSource("cases")
    void functionFollowsTheClosedFormFromAnyStart(long[] shape, DataType type) {
        int c = (int) shape[1];
        Nd4j.getRandom().setSeed(9);
        long[] pc = perChannelShape(c, shape.length);
        INDArray gamma = Nd4j.ones(type, pc);
        INDArray beta = Nd4j.zeros(type, pc);
        INDArray mean = Nd4j.randn(DataType.DOUBLE, pc).castTo(type);
        INDArray var = Nd4j.rand(DataType.DOUBLE, pc).addi(2).castTo(type);
        double[] mean0 = flat(mean);
        double[] var0 = flat(var);
        List<double[][]> stats = new ArrayList<>();
        for (int k = 0; k < STEPS; k++) {
            INDArray x = Nd4j.rand(DataType.DOUBLE, shape).muli(4 + k).subi(k).castTo(type);
            stats.add(batchStatistics(x));
            BatchNormResult r = BatchNormFunction.batchNorm(x, gamma, beta, mean, var, 1e-5, MOMENTUM, Mode.TRAINING);
            mean = r.movingMean();
            var = r.movingVar();
        }
        double tol = type == DataType.DOUBLE ? Tolerances.DOUBLE : Tolerances.FLOAT_ROUNDED_ONCE;
        assertClose(closedForm(mean0, stats, 0), flat(mean), tol, "moving mean " + type);
        assertClose(closedForm(var0, stats, 1), flat(var), tol, "moving var " + type);
    }

    /** momentum^k · init + (1 − momentum) · Σ_i momentum^(k−i) · stat_i, per channel. */
    static double[] closedForm(double[] init, List<double[][]> stats, int which) {
        int k = stats.size();
        double[] out = new double[init.length];
        for (int c = 0; c < init.length; c++) {
            double sum = 0;
            for (int i = 1; i <= k; i++) {
                sum += Math.pow(MOMENTUM, k - i) * stats.get(i - 1)[which][c];
            }
            out[c] = Math.pow(MOMENTUM, k) * init[c] + (1 - MOMENTUM) * sum;
        }
        return out;
    }

    /** {mean, biased variance} per channel of an (N, C) or (N, C, H, W) array, by loops. */
    static double[][] batchStatistics(INDArray x) {
        double[] v = flat(x);
        int n = (int) x.size(0);
        int c = (int) x.size(1);
        int s = (int) (x.length() / n / c);
        double[] mean = new double[c];
        double[] var = new double[c];
        for (int ch = 0; ch < c; ch++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < s; j++) {
                    sum += v[(i * c + ch) * s + j];
                }
            }
            mean[ch] = sum / (n * s);
            double sq = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < s; j++) {
                    double d = v[(i * c + ch) * s + j] - mean[ch];
                    sq += d * d;
                }
            }
            var[ch] = sq / (n * s);
        }
        return new double[][] {mean, var};
    }

    static double[] ones(int c) {
        double[] a = new double[c];
        java.util.Arrays.fill(a, 1);
        return a;
    }
}
