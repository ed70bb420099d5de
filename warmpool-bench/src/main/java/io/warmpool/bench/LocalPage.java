package io.warmpool.bench;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A small static HTML page on loopback (JDK HttpServer, any free port), so that page load time is the browser's
 * work and not the network's. Thread-safe; {@link #close()} frees the port and threads.
 */
final class LocalPage implements AutoCloseable {
    static final byte[] HTML = """
            <!doctype html>
            <html><head><meta charset="utf-8"><title>warmpool bench</title>
            <style>body{font:16px sans-serif;margin:40px;background:#f7f7f2}h1{color:#224}
            .card{border:1px solid #ccd;border-radius:8px;padding:16px;margin:12px 0;background:#fff}</style></head>
            <body><h1>warmpool load driver</h1>
            <div class="card"><p>A small local page: a heading, two cards and a list, no external resources.</p></div>
            <div class="card"><ul><li>one</li><li>two</li><li>three</li></ul></div>
            </body></html>
            """.getBytes(StandardCharsets.UTF_8);

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    LocalPage() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext("/page", exchange -> {
            try (exchange; OutputStream out = exchange.getResponseBody()) {
                exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                exchange.sendResponseHeaders(200, HTML.length);
                out.write(HTML);
            }
        });
        server.setExecutor(executor);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/page";
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
