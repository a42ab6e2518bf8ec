package bnlab.dl4j;

import java.lang.reflect.Field;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNSubsamplingHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * d2l's LeNet with the framework's batch normalization, on DL4J: the "concise implementation"
 * of the chapter, the analogue of PyTorch's {@code nn.BatchNorm2d}/{@code nn.BatchNorm1d} in
 * <pre>
 * conv 6@5x5 -> BN -> sigmoid -> avgpool 2/2 -> conv 16@5x5 -> BN -> sigmoid -> avgpool 2/2
 *   -> dense 120 -> BN -> sigmoid -> dense 84 -> BN -> sigmoid -> dense 10 (softmax)
 * </pre>
 * Input NCHW {@code [B, 1, 28, 28]}, cross-entropy loss, plain SGD with learning rate 1.0 (no
 * momentum, no regularization), BN {@code eps = 1e-5} and {@code decay = 0.9}: DL4J's moving
 * statistics follow d2l's convention {@code moving = 0.9 * moving + 0.1 * batch}, with the
 * biased batch variance (d2l's too; PyTorch would use the unbiased one for the running estimate).
 * The gradient is that of the batch's mean loss (DL4J's {@code miniBatch(true)}), as PyTorch's
 * {@code CrossEntropyLoss} gives it.
 *
 * <p><b>Initialization</b> is d2l's: {@code train_ch6} re-initializes the weights of every
 * {@code nn.Conv2d} and {@code nn.Linear} with {@code nn.init.xavier_uniform_},
 * {@code U(-a, a)} with {@code a = sqrt(6 / (fanIn + fanOut))}, {@code fanIn = inChannels * 5 * 5}
 * and {@code fanOut = outChannels * 5 * 5} for a convolution, {@code nIn} and {@code nOut} for a
 * dense layer. DL4J's {@code WeightInit.XAVIER_UNIFORM} is exactly that (stride 1), the scheme the
 * scratch network draws with {@code Init.xavier()}. The biases keep PyTorch's default,
 * {@code U(-1/sqrt(fanIn), 1/sqrt(fanIn))}; DL4J can only set biases to a constant, so
 * {@link #network} draws them after {@code init()} ({@link #uniformBiases}). BN starts at gamma 1,
 * beta 0, moving mean 0, moving variance 1.
 *
 * <p><b>Speed settings</b> (measured on 2 cores, see the benches {@code Dl4jLeNetSpeed} and
 * {@code Dl4jLayerProfile}): workspaces enabled for training and inference, float32, DL4J's own
 * oneDNN helpers switched on ({@link #useOneDnnHelpers}); set {@code OMP_WAIT_POLICY=PASSIVE} in
 * the environment. Notebook 5 uses it.
 */
public final class Dl4jLeNet {

    /** The name in result lines and tables. */
    public static final String NAME = "DL4J BatchNormalization";

    public static final double LEARNING_RATE = 1.0;
    public static final double EPS = 1e-5;
    /** d2l's momentum 0.9: the weight of the old moving statistics. */
    public static final double DECAY = 0.9;

    private Dl4jLeNet() {}

    /** The trainable classifier: {@link #network(long)} wrapped for the trainer. */
    public static Dl4jClassifier create(long seed) {
        return new Dl4jClassifier(NAME, network(seed));
    }

    /** The initialized network: weights and biases drawn from {@code seed}, oneDNN helpers on. */
    public static MultiLayerNetwork network(long seed) {
        MultiLayerNetwork net = new MultiLayerNetwork(configuration(seed));
        net.init();
        uniformBiases(net, seed);
        useOneDnnHelpers(net);
        return net;
    }

    /**
     * Gives every convolution, pooling and batch-norm layer of {@code net} DL4J's own oneDNN
     * helper ({@code org.deeplearning4j.nn.layers.mkldnn}), as DL4J itself would if its check
     * worked; returns the number of layers that got one (0 when ND4J has no oneDNN or its
     * helpers are disallowed).
     *
     * <p>Why by hand: DL4J 1.0.0-M2.1 decides in {@code BaseMKLDNNHelper.mklDnnEnabled()} by
     * looking up {@code org.nd4j.nativeblas.Nd4jCpu$Environment.isUseMKLDNN()}, a class and a
     * method this ND4J version renamed ({@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu},
     * {@code isUseONEDNN()}). The lookup fails, and every layer falls back to DL4J's Java
     * im2col and matrix products: the two convolutions then take about three quarters of a
     * training step. With the helpers the layers call libnd4j's conv2d, pooling and batch-norm
     * ops, which run oneDNN's kernels; the results agree to float rounding
     * ({@code Dl4jLeNetTest}) and a step is about three times faster ({@code scripts/bench.sh dl4j}).
     */
    public static int useOneDnnHelpers(MultiLayerNetwork net) {
        if (!Nd4j.getEnvironment().helpersAllowed()
                || !Nd4jCpu.Environment.getInstance().isUseONEDNN()) {
            return 0;
        }
        int attached = 0;
        for (Layer layer : net.getLayers()) {
            if (layer instanceof org.deeplearning4j.nn.layers.convolution.ConvolutionLayer) {
                setHelper(
                        layer,
                        org.deeplearning4j.nn.layers.convolution.ConvolutionLayer.class,
                        new MKLDNNConvHelper(DataType.FLOAT));
            } else if (layer instanceof org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer) {
                setHelper(
                        layer,
                        org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer.class,
                        new MKLDNNSubsamplingHelper(DataType.FLOAT));
            } else if (layer instanceof org.deeplearning4j.nn.layers.normalization.BatchNormalization) {
                setHelper(
                        layer,
                        org.deeplearning4j.nn.layers.normalization.BatchNormalization.class,
                        new MKLDNNBatchNormHelper(DataType.FLOAT));
            } else {
                continue;
            }
            attached++;
        }
        return attached;
    }

    private static void setHelper(Layer layer, Class<?> declaring, Object helper) {
        try {
            Field field = declaring.getDeclaredField("helper");
            field.setAccessible(true);
            field.set(layer, helper);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException(
                    "cannot give " + declaring.getSimpleName() + " its oneDNN helper ("
                            + e + "): this DL4J is not the version pinned in pom.xml; pin it back, or drop "
                            + "Dl4jLeNet.useOneDnnHelpers for this version",
                    e);
        }
    }

    /** The layer configuration (the DL4J counterpart of d2l's {@code nn.Sequential}). */
    public static MultiLayerConfiguration configuration(long seed) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(new Sgd(LEARNING_RATE))
                .weightInit(WeightInit.XAVIER_UNIFORM)
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .cacheMode(CacheMode.NONE)
                .list()
                .layer(new ConvolutionLayer.Builder(5, 5)
                        .nOut(6)
                        .activation(Activation.IDENTITY)
                        .build())
                .layer(batchNorm())
                .layer(new ActivationLayer(Activation.SIGMOID))
                .layer(avgPool())
                .layer(new ConvolutionLayer.Builder(5, 5)
                        .nOut(16)
                        .activation(Activation.IDENTITY)
                        .build())
                .layer(batchNorm())
                .layer(new ActivationLayer(Activation.SIGMOID))
                .layer(avgPool())
                .layer(new DenseLayer.Builder()
                        .nOut(120)
                        .activation(Activation.IDENTITY)
                        .build())
                .layer(batchNorm())
                .layer(new ActivationLayer(Activation.SIGMOID))
                .layer(new DenseLayer.Builder()
                        .nOut(84)
                        .activation(Activation.IDENTITY)
                        .build())
                .layer(batchNorm())
                .layer(new ActivationLayer(Activation.SIGMOID))
                .layer(new OutputLayer.Builder(LossFunction.MCXENT)
                        .nOut(10)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.convolutional(28, 28, 1))
                .build();
    }

    /**
     * Redraws the bias of every layer that has weights {@code W} and bias {@code b} from
     * {@code U(-1/sqrt(fanIn), 1/sqrt(fanIn))}, PyTorch's default, with a generator seeded by
     * {@code seed}.
     */
    public static void uniformBiases(MultiLayerNetwork net, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (Layer layer : net.getLayers()) {
            var params = layer.paramTable();
            INDArray w = params.get("W");
            INDArray b = params.get("b");
            if (w == null || b == null) continue;
            // conv W [out, in, kH, kW]: fanIn = in * kH * kW; dense W [nIn, nOut]: fanIn = nIn
            long fanIn = w.rank() == 4 ? w.size(1) * w.size(2) * w.size(3) : w.size(0);
            double a = 1.0 / Math.sqrt(fanIn);
            float[] values = new float[(int) b.length()];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) ((2 * random.nextDouble() - 1) * a);
            }
            b.assign(Nd4j.create(values).reshape(b.shape()));
        }
    }

    private static BatchNormalization batchNorm() {
        return new BatchNormalization.Builder().eps(EPS).decay(DECAY).build();
    }

    private static SubsamplingLayer avgPool() {
        return new SubsamplingLayer.Builder(PoolingType.AVG)
                .kernelSize(2, 2)
                .stride(2, 2)
                .build();
    }
}
