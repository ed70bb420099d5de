package io.warmpool.server;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A bare CDP client over the JDK WebSocket, for proxy tests: send raw, await responses by id, see the close. */
final class CdpClient implements WebSocket.Listener, AutoCloseable {
    private final Map<Integer, CompletableFuture<JsonNode>> waiting = new ConcurrentHashMap<>();
    private final StringBuilder partial = new StringBuilder();
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    final AtomicInteger received = new AtomicInteger();
    private final WebSocket ws;

    CdpClient(String url) {
        this.ws = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create(url), this).join();
    }

    CompletableFuture<JsonNode> send(int id, String method, String params) {
        CompletableFuture<JsonNode> f = waiting.computeIfAbsent(id, k -> new CompletableFuture<>());
        ws.sendText("{\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}", true).join();
        return f;
    }

    /** Sends a whole prepared message whose id is {@code id}. */
    CompletableFuture<JsonNode> sendRaw(int id, String message) {
        CompletableFuture<JsonNode> f = waiting.computeIfAbsent(id, k -> new CompletableFuture<>());
        ws.sendText(message, true).join();
        return f.orTimeout(30, TimeUnit.SECONDS);
    }

    JsonNode call(int id, String method, String params) {
        try {
            return send(id, method, params).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(method + " got no answer", e);
        }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            try {
                JsonNode msg = TestGateway.JSON.readTree(partial.toString());
                received.incrementAndGet();
                if (msg.has("id")) {
                    waiting.computeIfAbsent(msg.get("id").asInt(), k -> new CompletableFuture<>()).complete(msg);
                }
            } catch (Exception e) {
                closeCode.completeExceptionally(e);
            }
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeCode.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closeCode.complete(-1);
    }

    /** The HTTP status of a WebSocket handshake to {@code url}: 101 when it upgraded, else the refusal's status. */
    static int handshakeStatus(String url) {
        try {
            HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(url), new WebSocket.Listener() {
            }).join().abort();
            return 101;
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof java.net.http.WebSocketHandshakeException h) {
                return h.getResponse().statusCode();
            }
            throw e;
        }
    }

    WebSocket socket() {
        return ws;
    }

    @Override
    public void close() {
        ws.abort();
    }
}
