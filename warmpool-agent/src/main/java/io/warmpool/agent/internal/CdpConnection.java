package io.warmpool.agent.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One WebSocket connection to a Chromium browser's DevTools endpoint, carrying flattened target sessions
 * (every message may name a {@code sessionId}). Calls are matched to answers by id; events go to listeners
 * registered per session. Messages of any size and fragmentation are reassembled.
 *
 * <p>Thread-safe: any thread may call. Listeners run on the socket's receive thread, one message at a
 * time, and must not block or call back into the connection synchronously.
 */
public final class CdpConnection implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CdpConnection.class);
    private static final String BROWSER_SESSION = "";

    /** A registered listener; closing it unregisters. */
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    private record Pending(String method, CompletableFuture<JsonNode> result) {
    }

    private final URI endpoint;
    private final ObjectMapper json;
    private volatile java.util.function.Consumer<Duration> answered = took -> { }; // set once, before any call
    private final AtomicLong nextId = new AtomicLong();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final Map<String, List<Consumer<CdpEvent>>> listeners = new ConcurrentHashMap<>();
    private final CompletableFuture<String> closed = new CompletableFuture<>();
    private final ReentrantLock sendLock = new ReentrantLock();
    private CompletableFuture<?> lastSend = CompletableFuture.completedFuture(null); // guarded by sendLock
    private volatile WebSocket socket;

    private CdpConnection(URI endpoint, ObjectMapper json) {
        this.endpoint = endpoint;
        this.json = json;
    }

    /** Connects to {@code endpoint} (a {@code ws://} URL) within {@code timeout}; answers are not timed. */
    public static CdpConnection open(HttpClient http, URI endpoint, ObjectMapper json, Duration timeout) {
        return open(http, endpoint, json, timeout, took -> { });
    }

    /**
     * Connects to {@code endpoint} (a {@code ws://} URL) within {@code timeout}.
     *
     * @param answered told how long each answered command took (for the agent's CDP latency metric)
     */
    public static CdpConnection open(HttpClient http, URI endpoint, ObjectMapper json, Duration timeout,
                                     java.util.function.Consumer<Duration> answered) {
        CdpConnection connection = new CdpConnection(endpoint, json);
        connection.answered = answered;
        try {
            connection.socket = http.newWebSocketBuilder()
                    .connectTimeout(timeout)
                    .buildAsync(endpoint, connection.new Receiver())
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return connection;
        } catch (ExecutionException e) {
            throw new CdpException(CdpException.Kind.CLOSED, "cannot connect to " + endpoint + ": " + e.getCause());
        } catch (TimeoutException e) {
            throw new CdpException(CdpException.Kind.TIMEOUT, "cannot connect to " + endpoint + " within "
                    + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CdpException(CdpException.Kind.CLOSED, "interrupted while connecting to " + endpoint);
        }
    }

    /**
     * Sends {@code method} with {@code params} (a Map, record or JsonNode; null for none) to the browser
     * ({@code sessionId} null) or to a target session, and waits up to {@code timeout} for its result.
     *
     * @throws CdpException with kind ERROR (the browser's error message), TIMEOUT or CLOSED
     */
    public JsonNode call(String method, Object params, String sessionId, Duration timeout) {
        long id = nextId.incrementAndGet();
        CompletableFuture<JsonNode> result = new CompletableFuture<>();
        pending.put(id, new Pending(method, result));
        if (closed.isDone()) {
            pending.remove(id);
            throw new CdpException(CdpException.Kind.CLOSED, method + ": connection closed (" + closed.getNow("") + ")");
        }
        ObjectNode message = json.createObjectNode().put("id", id).put("method", method);
        message.set("params", params == null ? json.createObjectNode() : json.valueToTree(params));
        if (sessionId != null) {
            message.put("sessionId", sessionId);
        }
        long sentAt = System.nanoTime();
        send(id, message.toString());
        try {
            JsonNode answer = result.get(Math.max(1, timeout.toNanos()), TimeUnit.NANOSECONDS);
            answered.accept(Duration.ofNanos(System.nanoTime() - sentAt));
            return answer;
        } catch (TimeoutException e) {
            throw new CdpException(CdpException.Kind.TIMEOUT, method + " got no answer within "
                    + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CdpException cdp) {
                throw new CdpException(cdp.kind(), cdp.getMessage());
            }
            throw new CdpException(CdpException.Kind.ERROR, method + ": " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CdpException(CdpException.Kind.CLOSED, method + ": interrupted");
        } finally {
            pending.remove(id);
        }
    }

    /** Registers {@code listener} for events of {@code sessionId} (null: browser-level events). */
    public Subscription subscribe(String sessionId, Consumer<CdpEvent> listener) {
        String key = sessionId == null ? BROWSER_SESSION : sessionId;
        listeners.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(listener);
        return () -> listeners.computeIfPresent(key, (k, list) -> {
            list.remove(listener);
            return list.isEmpty() ? null : list;
        });
    }

    /** Completes with the reason once the connection is closed, by either side. */
    public CompletableFuture<String> closedFuture() {
        return closed.copy();
    }

    public boolean isOpen() {
        return !closed.isDone();
    }

    public URI endpoint() {
        return endpoint;
    }

    /** Closes the socket (best effort, bounded) and fails every pending call. Idempotent. */
    @Override
    public void close() {
        WebSocket ws = socket;
        if (ws != null && !closed.isDone()) {
            try {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(1, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.debug("close handshake with {} failed: {}", endpoint, e.toString());
            }
            ws.abort();
        }
        closeNow("closed by agent");
    }

    private void send(long id, String text) {
        CompletableFuture<?> sent;
        sendLock.lock();
        try {
            // java.net.http.WebSocket allows one outstanding send: chain them
            sent = lastSend.handle((r, e) -> null).thenCompose(r -> socket.sendText(text, true));
            lastSend = sent;
        } finally {
            sendLock.unlock();
        }
        sent.whenComplete((r, e) -> {
            if (e != null) {
                Pending p = pending.remove(id);
                if (p != null) {
                    p.result().completeExceptionally(new CdpException(CdpException.Kind.CLOSED,
                            p.method() + ": send failed: " + e));
                }
            }
        });
    }

    private void closeNow(String reason) {
        if (closed.complete(reason)) {
            log.debug("CDP connection {} closed: {}", endpoint, reason);
        }
        for (Long id : List.copyOf(pending.keySet())) {
            Pending p = pending.remove(id);
            if (p != null) {
                p.result().completeExceptionally(new CdpException(CdpException.Kind.CLOSED,
                        p.method() + ": connection closed (" + reason + ")"));
            }
        }
    }

    private void dispatch(String text) {
        JsonNode message;
        try {
            message = json.readTree(text);
        } catch (Exception e) {
            log.warn("unparseable CDP message from {} ({} chars): {}", endpoint, text.length(), e.toString());
            return;
        }
        JsonNode id = message.get("id");
        if (id != null) {
            Pending p = pending.remove(id.asLong());
            if (p == null) {
                return; // the caller gave up (timeout)
            }
            JsonNode error = message.get("error");
            if (error != null) {
                p.result().completeExceptionally(new CdpException(CdpException.Kind.ERROR,
                        p.method() + ": " + error.path("message").asText() + " (" + error.path("code").asInt() + ")"
                                + (error.has("data") ? " " + error.get("data").asText() : "")));
            } else {
                p.result().complete(message.path("result"));
            }
            return;
        }
        String sessionId = message.hasNonNull("sessionId") ? message.get("sessionId").asText() : null;
        List<Consumer<CdpEvent>> targets = listeners.get(sessionId == null ? BROWSER_SESSION : sessionId);
        if (targets == null) {
            return;
        }
        CdpEvent event = new CdpEvent(message.path("method").asText(), message.path("params"), sessionId);
        for (Consumer<CdpEvent> listener : targets) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                log.warn("CDP listener failed on {}: {}", event.method(), e.toString());
            }
        }
    }

    private final class Receiver implements WebSocket.Listener {
        private StringBuilder partial = new StringBuilder(); // only the receive thread touches it

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial = partial.capacity() > 1 << 20 ? new StringBuilder() : partial.delete(0, partial.length());
                dispatch(text);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeNow("closed by browser (" + statusCode + (reason.isEmpty() ? "" : " " + reason) + ")");
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeNow("connection failed: " + error);
        }
    }
}
