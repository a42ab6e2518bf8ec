package bnlab.bench;

import bnlab.Lab;
import bnlab.NativeMemory;
import bnlab.data.FashionMnist;
import bnlab.dl4j.Dl4jLeNet;
import bnlab.nn.Init;
import bnlab.nn.LeNet;
import bnlab.train.Classifier;
import bnlab.train.EpochResult;
import bnlab.train.History;
import bnlab.train.Machine;
import bnlab.train.ScratchClassifier;
import bnlab.train.Trainer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu;

/**
 * Memory soak: trains one LeNet-BN on the full Fashion-MNIST through
 * {@link Trainer} for a number of epochs and prints, after each epoch, the process's resident
 * memory (RSS) and what it holds: the Java heap (committed, used) and the bytes of ND4J's native
 * buffers (libnd4j's host memory counter; a buffer is freed when its Java object is collected or
 * closed), the number of garbage collections so far and the peak RSS so far. The rest of the RSS
 * is native libraries, malloc's free lists, thread stacks and metaspace. At the end: peak RSS and whether the targets hold,
 * RSS after the last epoch &le; 1.05 &times; RSS after epoch 3 + 32 MiB and peak below the budget
 * (2 GiB scratch, 3 GiB DL4J). One network per process, as in the notebooks' kernels, and like
 * there the training figure is drawn and encoded as a PNG at every progress update.
 * <pre>
 * scripts/bench.sh soak [epochs] [scratch|dl4j|both]
 * </pre>
 */
public final class Soak {

    static final double GROWTH_FACTOR = 1.05;
    static final double GROWTH_SLACK_MIB = 32;
    static final int REFERENCE_EPOCH = 3;

    public static void main(String[] args) {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: Soak <scratch|dl4j> <epochs>");
        }
        String which = args[0];
        if (!which.equals("scratch") && !which.equals("dl4j")) {
            throw new IllegalArgumentException("network is '" + which
                    + "', expected scratch or dl4j (scripts/bench.sh soak [epochs] [scratch|dl4j|both])");
        }
        int epochs = BenchArgs.positive("epochs", args[1]);
        String setup = Lab.setup(); // first: it picks the ND4J build before ND4J loads
        boolean scratch = which.equals("scratch");
        Classifier net = scratch
                ? new ScratchClassifier("scratch BatchNorm", LeNet.withBatchNorm(Init.seeded(1)), 1.0)
                : Dl4jLeNet.create(42);
        double budgetMiB = scratch ? 2048 : 3072;
        System.out.println(setup);
        System.out.println(
                "JVM: " + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments())
                        + "; max heap " + mib(Runtime.getRuntime().maxMemory()) + " MiB; JavaCPP maxBytes "
                        + mib(Pointer.maxBytes()) + " MiB, maxPhysicalBytes " + mib(Pointer.maxPhysicalBytes())
                        + " MiB; MALLOC_ARENA_MAX=" + System.getenv("MALLOC_ARENA_MAX"));
        FashionMnist data = FashionMnist.load(60_000, 10_000);
        System.out.printf(
                Locale.ROOT, "%s, %d epochs; MiB after each epoch (after its test evaluation):%n", net.name(), epochs);
        System.out.printf(
                Locale.ROOT,
                "%5s %7s %7s %8s %8s %8s %8s %8s%n",
                "epoch",
                "train s",
                "GCs",
                "RSS",
                "heap com",
                "heap use",
                "nd4j",
                "peak");
        History h = new Trainer().fit(net, data, epochs, p -> {
            png(p.figure()); // what a notebook's live chart costs: a PNG per update
            if (!p.isEpochEnd()) return;
            EpochResult e = p.history().last();
            MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
            double nd4j = mib(Nd4jCpu.Environment.getInstance().getGroupCounter(0));
            System.out.printf(
                    Locale.ROOT,
                    "%5d %7.1f %7d %8.0f %8.0f %8.0f %8.0f %8.0f%n",
                    e.epoch(),
                    e.trainSeconds(),
                    gcCount(),
                    e.rssMiB(),
                    mib(heap.getCommitted()),
                    mib(heap.getUsed()),
                    nd4j,
                    Machine.peakRssMiB());
        });
        System.out.println(h.resultLine());
        System.out.println(h.speedLine());
        System.out.println(NativeMemory.describe());
        report(h.epochs(), Machine.peakRssMiB(), budgetMiB);
    }

    /** The targets' verdict lines. */
    static void report(List<EpochResult> epochs, double peakMiB, double budgetMiB) {
        double last = epochs.get(epochs.size() - 1).rssMiB();
        String growth;
        if (epochs.size() <= REFERENCE_EPOCH) {
            growth = "n/a (needs more than " + REFERENCE_EPOCH + " epochs)";
        } else {
            double ref = epochs.get(REFERENCE_EPOCH - 1).rssMiB();
            double limit = GROWTH_FACTOR * ref + GROWTH_SLACK_MIB;
            growth = String.format(
                    Locale.ROOT,
                    "RSS after epoch %d %.0f MiB <= 1.05 x %.0f + 32 = %.0f MiB -> %s",
                    epochs.size(),
                    last,
                    ref,
                    limit,
                    last <= limit ? "met" : "MISSED");
        }
        System.out.println("flat memory: " + growth);
        System.out.printf(
                Locale.ROOT,
                "peak RSS %.0f MiB < %.0f MiB -> %s%n",
                peakMiB,
                budgetMiB,
                peakMiB < budgetMiB ? "met" : "MISSED");
    }

    private static void png(BufferedImage image) {
        try {
            ImageIO.write(image, "png", new ByteArrayOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long gcCount() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionCount)
                .sum();
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}
