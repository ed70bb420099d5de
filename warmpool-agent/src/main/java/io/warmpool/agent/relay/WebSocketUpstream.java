package io.warmpool.agent.relay;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * One hop's WebSocket to the far side of a relayed connection (the gateway's to an agent, the agent's to a browser's
 * CDP endpoint), for one client connection. Reassembles fragmented
 * messages, hands each whole message to the client side, and serializes sends (the JDK socket allows one at a
 * time). Sends wait in a queue bounded in messages and bytes: a far side that stops reading (stopped, swapping) cannot
 * make a fast client grow this process.s heap (the far side.s messages are read one at a time, each once the client took the one before); past the bound a send is refused and the caller closes the client.
 * Thread-safe.
 */
public final class WebSocketUpstream implements WebSocket.Listener {
    /** What the upstream tells the client side. */
    public interface Downstream {
        /** Sends to the client; completes when the client's socket took it (the next message waits for that). */
        CompletableFuture<Void> text(String message);

        /** Like {@link #text}. */
        CompletableFuture<Void> binary(ByteBuffer message);

        void closed(int code, String reason);
    }

    /** What became of a message offered to the far side. */
    public enum Offer {
        /** Queued (or written); it leaves the queue once its socket took it. */
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

    private WebSocketUpstream(Downstream downstream, int maxQueuedMessages, long maxQueuedBytes) {
        this.downstream = downstream;
        this.maxQueuedMessages = maxQueuedMessages;
        this.maxQueuedBytes = maxQueuedBytes;
    }

    /**
     * Opens the socket to {@code url} with {@code headers} on the upgrade request.
     *
     * @param maxQueuedMessages messages waiting for the far side's socket at most
     * @param maxQueuedBytes    bytes (characters of text) waiting for it at most
     */
    public static CompletableFuture<WebSocketUpstream> open(HttpClient http, String url, Map<String, String> headers,
                                                            Downstream downstream, int maxQueuedMessages,
                                                            long maxQueuedBytes) {
        WebSocketUpstream up = new WebSocketUpstream(downstream, maxQueuedMessages, maxQueuedBytes);
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        headers.forEach(builder::header);
        return builder.buildAsync(URI.create(url), up).thenApply(ws -> {
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

    /** Queues a text message for the far side; its size counts in characters. */
    public Offer sendText(String message) {
        return offer(message.length(), () -> socket.sendText(message, true));
    }

    /** Queues a binary message for the far side. */
    public Offer sendBinary(ByteBuffer message) {
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

    /** Messages waiting for the far side.s socket now. */
    public synchronized int queuedMessages() {
        return queuedMessages;
    }

    public void close() {
        WebSocket ws = socket;
        if (ws != null && !ws.isOutputClosed()) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "client gone").exceptionally(e -> null);
            ws.abort();
        }
    }
}
