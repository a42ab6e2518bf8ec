package bnlab.data;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A mirror on 127.0.0.1 serving files from memory, recording every request it gets. */
final class TestMirror implements AutoCloseable {

    /** How to answer one request for a known file: whole, or half a body and then silence. */
    enum Mode {
        OK,
        STALL
    }

    final List<String> requests = new CopyOnWriteArrayList<>();
    final Map<String, byte[]> files = new ConcurrentHashMap<>();
    volatile Mode mode = Mode.OK;
    /** Runs after the headers went out and before the body, e.g. to look at the target folder. */
    volatile Runnable beforeBody = () -> {};

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();

    TestMirror() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    /** A URL on 127.0.0.1 where nothing listens: connections are refused at once. */
    static URI closedPortUrl() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/");
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        String name = exchange.getRequestURI().getPath().substring(1);
        requests.add(name);
        byte[] body = files.get(name);
        if (body == null) {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
            return;
        }
        exchange.sendResponseHeaders(200, body.length);
        beforeBody.run();
        OutputStream out = exchange.getResponseBody();
        switch (mode) {
            case OK -> out.write(body);
            case STALL -> {
                out.write(body, 0, body.length / 2);
                out.flush();
                sleep(3_000);
            }
        }
        try {
            out.close();
        } catch (IOException e) {
            // STALL: "insufficient bytes written"
        } finally {
            exchange.close();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
