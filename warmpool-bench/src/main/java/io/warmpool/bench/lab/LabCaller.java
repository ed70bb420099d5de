package io.warmpool.bench.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A caller in one place talking to a gateway through that gateway's caller relay: acquires a session, drives its
 * CDP socket with sequential round trips, releases it. One HTTP/1.1 client per caller; not meant to be shared
 * across threads that need independent timings.
 */
final class LabCaller {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** A session as the gateway answered it. */
    record Session(String id, String webSocketDebuggerUrl, String region, String instance, boolean fallback,
                   boolean warm) {
    }

    /** One chatty session's timings, in nanoseconds, and where it was served. */
    record Chatty(Session session, long acquireNanos, long connectNanos, long roundTripsNanos, long releaseNanos,
                  long totalNanos) {
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    LabCaller(String base) {
        this.base = base;
    }

    Session acquire(String pool, String location) throws IOException, InterruptedException {
        byte[] body = JSON.writeValueAsBytes(Map.of("pool", pool, "location", location));
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/sessions")).timeout(TIMEOUT)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200 && r.statusCode() != 201) {
            throw new IOException("acquire " + pool + "@" + location + ": HTTP " + r.statusCode() + " "
                    + new String(r.body(), StandardCharsets.UTF_8));
        }
        JsonNode j = JSON.readTree(r.body());
        JsonNode s = j.has("result") ? j.get("result") : j;
        return new Session(s.path("id").asText(s.path("sessionId").asText()), s.path("webSocketDebuggerUrl").asText(),
                r.headers().firstValue("X-Warmpool-Region").orElse("?"),
                r.headers().firstValue("X-Warmpool-Instance").orElse("?"), s.path("fallback").asBoolean(),
                s.path("warm").asBoolean());
    }

    void release(String id) throws IOException, InterruptedException {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/sessions/" + id))
                .timeout(TIMEOUT).DELETE().build(), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() != 204 && r.statusCode() != 200) {
            throw new IOException("release " + id + ": HTTP " + r.statusCode());
        }
    }

    JsonNode regions() throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/regions")).timeout(TIMEOUT)
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IOException("regions: HTTP " + r.statusCode());
        }
        return JSON.readTree(r.body()).path("result");
    }

    /** Acquire, connect, {@code roundTrips} sequential {@code Browser.getVersion} calls, close, release. */
    Chatty chatty(String pool, String location, int roundTrips) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Session s = acquire(pool, location);
        long t1 = System.nanoTime();
        long t2;
        long t3;
        try (Cdp cdp = Cdp.connect(http, s.webSocketDebuggerUrl())) {
            t2 = System.nanoTime();
            for (int i = 0; i < roundTrips; i++) {
                JsonNode reply = cdp.call("Browser.getVersion");
                if (!reply.has("result")) {
                    throw new IOException("CDP error: " + reply);
                }
            }
            t3 = System.nanoTime();
        } finally {
            release(s.id());
        }
        long t4 = System.nanoTime();
        return new Chatty(s, t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - t0);
    }

    /** A CDP WebSocket with one call in flight at a time. */
    static final class Cdp implements WebSocket.Listener, AutoCloseable {
        private final StringBuilder text = new StringBuilder();
        private volatile CompletableFuture<JsonNode> pending;
        private volatile WebSocket socket;
        private int nextId;

        static Cdp connect(HttpClient http, String url) throws IOException, InterruptedException {
            Cdp cdp = new Cdp();
            try {
                cdp.socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                        .buildAsync(URI.create(url), cdp).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new IOException("CDP connect to " + url + " failed: " + e, e);
            }
            return cdp;
        }

        JsonNode call(String method) throws IOException, InterruptedException {
            int id = ++nextId;
            CompletableFuture<JsonNode> reply = new CompletableFuture<>();
            pending = reply;
            socket.sendText("{\"id\":" + id + ",\"method\":\"" + method + "\"}", true).join();
            try {
                return reply.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new IOException(method + " failed: " + e, e);
            }
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String message = text.toString();
                text.setLength(0);
                try {
                    JsonNode j = JSON.readTree(message);
                    CompletableFuture<JsonNode> p = pending;
                    if (j.has("id") && p != null) {
                        p.complete(j);
                    }
                } catch (IOException e) {
                    CompletableFuture<JsonNode> p = pending;
                    if (p != null) {
                        p.completeExceptionally(e);
                    }
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            CompletableFuture<JsonNode> p = pending;
            if (p != null) {
                p.completeExceptionally(new IOException("closed " + statusCode + " " + reason));
            }
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            CompletableFuture<JsonNode> p = pending;
            if (p != null) {
                p.completeExceptionally(error);
            }
        }

        @Override
        public void close() {
            WebSocket ws = socket;
            if (ws != null) {
                try {
                    ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(2, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException | TimeoutException e) {
                    // closing anyway
                }
                ws.abort();
            }
        }
    }
}
