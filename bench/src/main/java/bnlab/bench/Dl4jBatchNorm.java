package bnlab.bench;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** DL4J's own BatchNormalization layer, driven directly (no network around it). */
final class Dl4jBatchNorm {

    private final Layer layer;

    Dl4jBatchNorm(int channels) {
        NeuralNetConfiguration conf = new NeuralNetConfiguration.Builder()
                .layer(new BatchNormalization.Builder()
                        .nIn(channels)
                        .nOut(channels)
                        .eps(1e-5)
                        .decay(0.9)
                        .useLogStd(false)
                        .build())
                .build();
        long numParams = conf.getLayer().initializer().numParams(conf);
        INDArray params = Nd4j.create(DataType.FLOAT, 1, numParams);
        layer = conf.getLayer().instantiate(conf, null, 0, params, true, DataType.FLOAT);
        layer.setBackpropGradientsViewArray(Nd4j.create(DataType.FLOAT, 1, numParams));
    }

    INDArray forward(INDArray x, boolean training) {
        layer.setInput(x, LayerWorkspaceMgr.noWorkspaces());
        return layer.activate(training, LayerWorkspaceMgr.noWorkspaces());
    }

    Pair<Gradient, INDArray> backward(INDArray dY) {
        return layer.backpropGradient(dY, LayerWorkspaceMgr.noWorkspaces());
    }
}
