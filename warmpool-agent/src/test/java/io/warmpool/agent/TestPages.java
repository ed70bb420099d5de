package io.warmpool.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Local pages for the browser to load, served by the JDK's HttpServer on 127.0.0.1:0. */
final class TestPages implements AutoCloseable {
    static final String HELLO = "<!DOCTYPE html><html><head><title>hello</title></head>"
            + "<body><h1>Hello from warmpool</h1></body></html>";
    static final String LATE = "<!DOCTYPE html><html><body><p>waiting</p><script>"
            + "setTimeout(() => { const d = document.createElement('div'); d.id = 'late';"
            + " d.textContent = 'arrived late'; document.body.appendChild(d); }, 300);</script></body></html>";
    static final String HANGING_IMAGE = "<!DOCTYPE html><html><body><img src='/hang'></body></html>";
    static final String FETCH_AFTER_LOAD = "<!DOCTYPE html><html><body><p>before</p><script>"
            + "window.addEventListener('load', () => setTimeout(() => fetch('/slow-text').then(r => r.text())"
            + ".then(t => { const p = document.createElement('p'); p.textContent = t; document.body.appendChild(p); }), 20));"
            + "</script></body></html>";
    /** A canvas of random pixels: a screenshot of it is several MB even as PNG. */
    static final String NOISE = "<!DOCTYPE html><html><body style='margin:0'><canvas id='c' width='1000' height='2000' style='display:block'></canvas>"
            + "<script>const c = document.getElementById('c').getContext('2d'); const img = c.createImageData(1000, 2000);"
            + "const px = new Uint32Array(img.data.buffer); for (let i = 0; i < px.length; i++)"
            + " px[i] = (Math.random() * 0xffffff) | 0xff000000; c.putImageData(img, 0, 0);</script></body></html>";

    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpServer server;

    TestPages() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(executor);
        page("/hello", HELLO);
        page("/late", LATE);
        page("/hanging-image", HANGING_IMAGE);
        page("/fetch-after-load", FETCH_AFTER_LOAD);
        page("/noise", NOISE);
        page("/loop", "<!DOCTYPE html><html><body><p>looping</p><script>while (true) {}</script></body></html>");
        server.createContext("/hang", exchange -> {
            sleep(3_000);
            respond(exchange, "image/png", "");
        });
        server.createContext("/slow-text", exchange -> {
            sleep(300);
            respond(exchange, "text/plain", "fetched late");
        });
        server.createContext("/echo", exchange -> {
            StringBuilder h = new StringBuilder("<!DOCTYPE html><html><body><pre id='h'>");
            exchange.getRequestHeaders().forEach((name, values) -> h.append(escape(name.toLowerCase()))
                    .append(": ").append(escape(String.join(",", values))).append('\n'));
            respond(exchange, "text/html; charset=utf-8", h.append("</pre></body></html>").toString());
        });
        server.createContext("/basic", exchange -> {
            String expected = "Basic " + java.util.Base64.getEncoder().encodeToString("ann:s3cret".getBytes(StandardCharsets.UTF_8));
            if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"test\"");
                exchange.sendResponseHeaders(401, -1);
                exchange.close();
                return;
            }
            respond(exchange, "text/html; charset=utf-8", "<!DOCTYPE html><p id='in'>let in</p>");
        });
        server.createContext("/pixel.png", exchange -> {
            byte[] png = java.util.Base64.getDecoder().decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
            hits.computeIfAbsent("/pixel.png", k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
            exchange.getResponseHeaders().add("Content-Type", "image/png");
            exchange.sendResponseHeaders(200, png.length);
            exchange.getResponseBody().write(png);
            exchange.close();
        });
        server.start();
    }

    private final java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> hits =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** How often {@code path} was requested (counted for /pixel.png and pages served by {@link #page}). */
    int hits(String path) {
        java.util.concurrent.atomic.AtomicInteger n = hits.get(path);
        return n == null ? 0 : n.get();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Serves {@code html} at {@code path}. */
    void page(String path, String html) {
        server.createContext(path, exchange -> {
            hits.computeIfAbsent(path, k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
            respond(exchange, "text/html; charset=utf-8", html);
        });
    }

    /** Serves {@code path} with {@code handler}. */
    void handle(String path, com.sun.net.httpserver.HttpHandler handler) {
        server.createContext(path, handler);
    }

    /** Answers {@code path} with a 302 to {@code location}. */
    void redirect(String path, String location) {
        server.createContext(path, exchange -> {
            exchange.getResponseHeaders().add("Location", location);
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
    }

    int port() {
        return server.getAddress().getPort();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
    static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    static void respond(HttpExchange exchange, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(200, bytes.length == 0 ? -1 : bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
