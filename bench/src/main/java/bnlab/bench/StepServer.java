package bnlab.bench;

import bnlab.Lab;
import bnlab.data.Batch;
import bnlab.nn.Init;
import bnlab.nn.LeNet;
import bnlab.train.ScratchClassifier;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Our scratch LeNet-BN as one contender of {@code scripts/bench.sh torch}: the Python driver
 * (scripts/bench_torch.py, running PyTorch in its own process) starts this JVM once and sends it
 * blocks of training steps between its own PyTorch blocks, so both alternate on the same cores.
 *
 * <p>Protocol, one line each way (everything else this process prints goes to stderr):
 * <pre>
 * -> ready &lt;batches&gt; &lt;setup line&gt;       once, when the network and the batches are ready
 * &lt;- train &lt;steps&gt;
 * -> done &lt;seconds&gt; &lt;loss&gt; &lt;checksum&gt; &lt;cpu&gt;   seconds of the steps alone; loss = mean loss of
 *                                          the last step; checksum = sum of the block's label
 *                                          checksums; cpu = CPU seconds of the process (all threads)
 * &lt;- quit
 * </pre>
 * Steps walk the first epoch's full batches (seed 42) in order and wrap around; the driver feeds
 * PyTorch the same sequence and compares the checksums.
 */
public final class StepServer {

    public static void main(String[] args) throws IOException {
        PrintStream out = System.out;
        System.setOut(System.err); // library chatter must not corrupt the protocol
        int max = args.length > 0 ? BenchArgs.positive("batches", args[0]) : 234;
        String setup = Lab.setup();
        List<Batch> batches = BenchData.firstEpochBatches(max);
        ScratchClassifier net = new ScratchClassifier("scratch BatchNorm", LeNet.withBatchNorm(Init.seeded(1)), 1.0);
        out.println("ready " + batches.size() + " " + setup);
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        int next = 0;
        for (String line; (line = in.readLine()) != null; ) {
            String[] cmd = line.trim().split("\\s+");
            if (cmd[0].equals("quit")) break;
            if (!cmd[0].equals("train") || cmd.length != 2) {
                out.println("error unknown command '" + line + "' (expected 'train <steps>' or 'quit')");
                out.flush();
                continue;
            }
            int steps = BenchArgs.positive("steps", cmd[1]);
            long checksum = 0;
            double loss = Double.NaN;
            long c0 = cpuNanos();
            long t0 = System.nanoTime();
            for (int s = 0; s < steps; s++) {
                Batch b = batches.get(next++ % batches.size());
                loss = net.trainStep(b).lossSum() / b.size();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpu = (cpuNanos() - c0) / 1e9;
            for (int s = steps; s > 0; s--) {
                checksum += BenchData.labelChecksum(batches.get((next - s) % batches.size()));
            }
            out.printf(Locale.ROOT, "done %.6f %.6f %d %.6f%n", seconds, loss, checksum, cpu);
            out.flush();
        }
    }

    /** CPU time of the whole process (all threads), ns. */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
