package bnlab.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * PyTorch's batch norm as a contender of {@link BatchNormBench}: a child process,
 * {@code <python> scripts/bench_torch.py bn-server} (its docstring has the protocol), that times
 * {@code nn.BatchNorm2d}/{@code BatchNorm1d} in training mode when asked, one round at a time, so
 * the JVM and PyTorch take turns on the same cores. PyTorch is not a project dependency: the
 * python comes from {@code BNLAB_TORCH_PYTHON} (scripts/bench.sh passes it as {@code --torch}).
 */
final class TorchBatchNorm implements AutoCloseable {

    static final Path SCRIPT = Path.of("scripts", "bench_torch.py");

    private final Process proc;
    private final BufferedReader in;
    private final PrintWriter out;
    /** The child's "ready" line after the word: PyTorch's version and thread count. */
    final String version;

    final int threads;

    TorchBatchNorm(String python) throws IOException {
        if (!Files.isRegularFile(SCRIPT)) {
            throw new IOException(SCRIPT + " not found from " + Path.of("").toAbsolutePath()
                    + ": run the bench from the project root (scripts/bench.sh batchnorm does)");
        }
        try {
            proc = new ProcessBuilder(python, SCRIPT.toString(), "bn-server")
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
        } catch (IOException e) {
            throw new IOException("cannot start " + python + " (BNLAB_TORCH_PYTHON): " + e.getMessage(), e);
        }
        in = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8));
        out = new PrintWriter(proc.getOutputStream(), true, StandardCharsets.UTF_8);
        String[] ready = read().split(" ");
        if (ready.length != 3 || !ready[0].equals("ready")) {
            close();
            throw new IOException("bench_torch.py bn-server did not start (said '" + String.join(" ", ready)
                    + "'); BNLAB_TORCH_PYTHON must name a python that imports torch");
        }
        version = ready[1];
        threads = Integer.parseInt(ready[2]);
    }

    /** Makes the child's layer, input and upstream gradient for {@code shape} (float, seed 42). */
    void shape(long[] shape) {
        String reply =
                ask("shape " + Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(" ")));
        if (!reply.equals("ok")) throw new IllegalStateException("bench_torch.py bn-server: " + reply);
    }

    /** Milliseconds per call of {@code calls} calls of {@code what}: "forward" or "forward+backward". */
    double msPerCall(String what, int calls) {
        String[] reply = ask(what + " " + calls).split(" ");
        if (reply.length != 2 || !reply[0].equals("done")) {
            throw new IllegalStateException("bench_torch.py bn-server: " + String.join(" ", reply));
        }
        return Double.parseDouble(reply[1]);
    }

    /** The layer PyTorch uses for {@code shape}. */
    static String layer(long[] shape) {
        return shape.length == 4 ? "nn.BatchNorm2d" : "nn.BatchNorm1d";
    }

    private String ask(String line) {
        out.println(line);
        try {
            return read();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String read() throws IOException {
        String line = in.readLine();
        if (line == null) {
            throw new IOException("bench_torch.py bn-server exited"
                    + (proc.isAlive() ? "" : " with code " + waitQuietly()) + "; see its stderr above");
        }
        return line.trim();
    }

    private int waitQuietly() {
        try {
            return proc.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Override
    public void close() {
        if (proc.isAlive()) {
            out.println("quit");
            try {
                if (!proc.waitFor(30, TimeUnit.SECONDS)) proc.destroy();
            } catch (InterruptedException e) {
                proc.destroy();
                Thread.currentThread().interrupt();
            }
        }
    }
}
