package io.warmpool.server.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The gateway's WebSocket to a browser's CDP endpoint, for one proxied client connection. Reassembles fragmented
 * messages, hands each whole message to the client side, and serializes sends (the JDK socket allows one at a
 * time). Thread-safe.
 */
final class CdpUpstream implements WebSocket.Listener {
    /** What the upstream tells the client side. */
    interface Downstream {
        /** Sends to the client; completes when the client's socket took it (the next message waits for that). */
        CompletableFuture<Void> text(String message);

        /** Like {@link #text}. */
        CompletableFuture<Void> binary(ByteBuffer message);

        void closed(int code, String reason);
    }

    private final Downstream downstream;
    private final StringBuilder text = new StringBuilder();
    private java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();
    private CompletableFuture<?> tail = CompletableFuture.completedFuture(null); // guarded by this
    private volatile WebSocket socket;

    private CdpUpstream(Downstream downstream) {
        this.downstream = downstream;
    }

    static CompletableFuture<CdpUpstream> open(HttpClient http, String url, Downstream downstream) {
        CdpUpstream up = new CdpUpstream(downstream);
        return http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create(url), up).thenApply(ws -> {
                    up.socket = ws;
                    return up;
                });
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
            downstream.text(message).whenComplete((x, e) -> webSocket.request(1));
        } else {
            webSocket.request(1);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] chunk = new byte[data.remaining()];
        data.get(chunk);
        binary.writeBytes(chunk);
        if (last) {
            ByteBuffer message = ByteBuffer.wrap(binary.toByteArray());
            binary = new java.io.ByteArrayOutputStream();
            downstream.binary(message).whenComplete((x, e) -> webSocket.request(1));
        } else {
            webSocket.request(1);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        downstream.closed(statusCode, reason);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        downstream.closed(1011, "upstream failed: " + error.getClass().getSimpleName());
    }

    synchronized void sendText(String message) {
        tail = tail.thenCompose(x -> socket.sendText(message, true));
    }

    synchronized void sendBinary(ByteBuffer message) {
        tail = tail.thenCompose(x -> socket.sendBinary(message, true));
    }

    void close() {
        WebSocket ws = socket;
        if (ws != null && !ws.isOutputClosed()) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "client gone").exceptionally(e -> null);
            ws.abort();
        }
    }
}
