package bnlab.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One HTTP GET streamed into a file, with three limits: connecting, waiting for the response
 * headers, and silence while the body streams in. A body shorter than its Content-Length is an
 * error, however the connection ended.
 */
final class HttpTransfer {

    /** The server answered, but not with 200 OK. */
    static final class StatusException extends IOException {
        StatusException(int status) {
            super("the server answered HTTP " + status);
        }
    }

    private final HttpClient client;
    private final Duration requestTimeout;
    private final Duration stallTimeout;

    HttpTransfer(Duration connectTimeout, Duration requestTimeout, Duration stallTimeout) {
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        this.requestTimeout = requestTimeout;
        this.stallTimeout = stallTimeout;
    }

    /** Writes the body of {@code url} to {@code file}; returns the MD5 of what was written. */
    String get(URI url, Path file) throws IOException, InterruptedException {
        HttpRequest request =
                HttpRequest.newBuilder(url).timeout(requestTimeout).GET().build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        long expected = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        MessageDigest md5 = Checksums.md5();
        long received = 0;
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) throw new StatusException(response.statusCode());
            StallWatchdog watchdog = new StallWatchdog(body, stallTimeout);
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(file), md5)) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = body.read(buffer)) >= 0; received += n) {
                    out.write(buffer, 0, n);
                    watchdog.progress();
                }
            } catch (IOException e) {
                String why = watchdog.fired() ? "no data for " + seconds(stallTimeout) : String.valueOf(e.getMessage());
                throw new IOException(lost(received, expected) + ": " + why, e);
            } finally {
                watchdog.close();
            }
        }
        // HttpClient itself reports a connection closed early; this also covers any other path.
        if (expected >= 0 && received != expected) throw new IOException(lost(received, expected));
        return Checksums.hex(md5.digest());
    }

    private static String lost(long received, long expected) {
        return "connection lost after " + received + " of " + (expected >= 0 ? expected : "?") + " bytes";
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** The exception in words, with its causes: a ConnectException, say, has no message. */
    static String describe(Throwable e) {
        List<String> parts = new ArrayList<>();
        for (Throwable t = e; t != null && parts.size() < 3; t = t.getCause()) {
            String message = t.getMessage();
            boolean ours = t.getClass() == IOException.class && message != null;
            String part = ours
                    ? message
                    : message == null
                            ? t.getClass().getSimpleName()
                            : t.getClass().getSimpleName() + ": " + message;
            if (parts.isEmpty() || !parts.get(parts.size() - 1).equals(part)) parts.add(part);
            if (ours) break; // our own messages say it all
        }
        return String.join(", caused by ", parts);
    }
}
