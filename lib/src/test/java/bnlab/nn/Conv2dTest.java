package bnlab.nn;

import static org.junit.jupiter.api.Assertions.assertNull;

import bnlab.Tolerances;
import bnlab.nn.kernel.FastLayer;
import bnlab.nn.kernel.Tensor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Conv2d (im2col + gemm) and its fast twin against the definition of convolution, written as
 * plain loops in double precision.
 */
class Conv2dTest {

    @Test
    void layerAndFastTwinMatchTheNaiveLoops() {
        // 37 examples: an odd split across cores; 3 output channels: the matrix kernels' edges.
        for (String engine : new String[] {"layer double", "layer float", "fast twin"}) {
            DataType type = engine.equals("layer double") ? DataType.DOUBLE : DataType.FLOAT;
            Conv2d conv = new Conv2d(2, 3, 3, Init.seeded(5).dataType(type));
            Nd4j.getRandom().setSeed(21);
            INDArray x = Nd4j.randn(DataType.DOUBLE, 37, 2, 12, 12);
            INDArray dY = Nd4j.randn(DataType.DOUBLE, 37, 3, 10, 10);
            INDArray y;
            INDArray dX;
            if (engine.equals("fast twin")) {
                FastLayer twin = conv.fastLayer();
                y = twin.forward(Tensor.copyOf(x.castTo(type), null)).toINDArray();
                dX = twin.backward(Tensor.copyOf(dY.castTo(type), null)).toINDArray();
            } else {
                y = conv.forward(x.castTo(type));
                dX = conv.backward(dY.castTo(type));
            }
            double[][] ref = naive(
                    x,
                    conv.weight().castTo(DataType.DOUBLE),
                    conv.parameters().get(1).value().castTo(DataType.DOUBLE),
                    dY,
                    3);
            double tol = type == DataType.DOUBLE ? Tolerances.DOUBLE : 2 * Tolerances.FLOAT_ROUNDED_ONCE;
            BatchNormFunctionTest.assertClose(Nd4j.create(ref[0], y.shape(), 'c'), y, tol, engine + " y");
            BatchNormFunctionTest.assertClose(Nd4j.create(ref[1], dX.shape(), 'c'), dX, tol, engine + " dX");
            INDArray dW = conv.parameters().get(0).grad();
            BatchNormFunctionTest.assertClose(Nd4j.create(ref[2], dW.shape(), 'c'), dW, tol, engine + " dW");
            INDArray db = conv.parameters().get(1).grad();
            BatchNormFunctionTest.assertClose(Nd4j.create(ref[3], db.shape(), 'c'), db, tol, engine + " db");
        }
    }

    @Test
    void theFirstLayerReturnsNoInputGradient() {
        Conv2d conv = new Conv2d(1, 2, 3);
        conv.inputGradientNotNeeded();
        conv.forward(Nd4j.rand(DataType.FLOAT, 2, 1, 5, 5));
        assertNull(conv.backward(Nd4j.rand(DataType.FLOAT, 2, 2, 3, 3)));
    }

    /** y, dX, dW, db of a stride-1 valid convolution, straight from the definition. */
    private static double[][] naive(INDArray xa, INDArray wa, INDArray ba, INDArray dya, int k) {
        int n = (int) xa.size(0);
        int c = (int) xa.size(1);
        int h = (int) xa.size(2);
        int w = (int) xa.size(3);
        int o = (int) wa.size(0);
        int oh = h - k + 1;
        int ow = w - k + 1;
        double[] x = xa.reshape(xa.length()).toDoubleVector();
        double[] wt = wa.reshape(wa.length()).toDoubleVector();
        double[] b = ba.reshape(ba.length()).toDoubleVector();
        double[] dy = dya.reshape(dya.length()).toDoubleVector();
        double[] y = new double[n * o * oh * ow];
        double[] dx = new double[x.length];
        double[] dw = new double[wt.length];
        double[] db = new double[o];
        for (int e = 0; e < n; e++) {
            for (int f = 0; f < o; f++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        int yi = ((e * o + f) * oh + i) * ow + j;
                        double sum = b[f];
                        db[f] += dy[yi];
                        for (int ch = 0; ch < c; ch++) {
                            for (int a = 0; a < k; a++) {
                                for (int bb = 0; bb < k; bb++) {
                                    int xi = ((e * c + ch) * h + i + a) * w + j + bb;
                                    int wi = ((f * c + ch) * k + a) * k + bb;
                                    sum += wt[wi] * x[xi];
                                    dw[wi] += dy[yi] * x[xi];
                                    dx[xi] += dy[yi] * wt[wi];
                                }
                            }
                        }
                        y[yi] = sum;
                    }
                }
            }
        }
        return new double[][] {y, dx, dw, db};
    }
}
