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
 * time). Sends wait in a queue bounded in messages and bytes: a browser that stops reading (stopped, swapping) cannot
 * make a fast client grow the gateway's heap; past the bound a send is refused and the caller closes the client.
 * Thread-safe.
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

    /** What became of a message offered to the browser. */
    enum Offer {
        /** Queued (or written); it leaves the queue once the browser's socket took it. */
        QUEUED,
        /** Larger than the whole byte bound: it could never be queued. */
        TOO_BIG,
        /** The queue is at its bound in messages or bytes. */
        FULL
    }

    private final Downstream downstream;
    private final int maxQueuedMessages;
    private final long maxQueuedBytes;
    private int queuedMessages; // guarded by this
    private long queuedBytes; // guarded by this
    private final StringBuilder text = new StringBuilder();
    private java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();
    private CompletableFuture<?> tail = CompletableFuture.completedFuture(null); // guarded by this
    private volatile WebSocket socket;

    private CdpUpstream(Downstream downstream, int maxQueuedMessages, long maxQueuedBytes) {
        this.downstream = downstream;
        this.maxQueuedMessages = maxQueuedMessages;
        this.maxQueuedBytes = maxQueuedBytes;
    }

    static CompletableFuture<CdpUpstream> open(HttpClient http, String url, Downstream downstream,
                                               int maxQueuedMessages, long maxQueuedBytes) {
        CdpUpstream up = new CdpUpstream(downstream, maxQueuedMessages, maxQueuedBytes);
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

    /** Queues a text message for the browser; its size counts in characters. */
    Offer sendText(String message) {
        return offer(message.length(), () -> socket.sendText(message, true));
    }

    /** Queues a binary message for the browser. */
    Offer sendBinary(ByteBuffer message) {
        return offer(message.remaining(), () -> socket.sendBinary(message, true));
    }

    private synchronized Offer offer(long size, java.util.function.Supplier<CompletableFuture<WebSocket>> send) {
        if (size > maxQueuedBytes) {
            return Offer.TOO_BIG;
        }
        if (queuedMessages >= maxQueuedMessages || queuedBytes + size > maxQueuedBytes) {
            return Offer.FULL;
        }
        queuedMessages++;
        queuedBytes += size;
        CompletableFuture<?> sent = tail.thenCompose(x -> send.get());
        sent.whenComplete((x, e) -> taken(size)); // a failed send frees its place too: the socket is failing anyway
        tail = sent;
        return Offer.QUEUED;
    }

    private synchronized void taken(long size) {
        queuedMessages--;
        queuedBytes -= size;
    }

    /** Messages waiting for the browser's socket now. */
    synchronized int queuedMessages() {
        return queuedMessages;
    }

    void close() {
        WebSocket ws = socket;
        if (ws != null && !ws.isOutputClosed()) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "client gone").exceptionally(e -> null);
            ws.abort();
        }
    }
}
