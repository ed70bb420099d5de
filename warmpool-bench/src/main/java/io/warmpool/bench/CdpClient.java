package io.warmpool.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A minimal Chrome DevTools Protocol client on the JDK's {@link WebSocket}: numbered calls answered by id, flattened
 * sessions ({@code sessionId} on the message), and one-shot event waits. What a remote CDP client (Puppeteer,
 * Playwright) does on the wire, without their extra round trips. Thread-safe; every wait is bounded.
 */
final class CdpClient implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Largest message accepted (a screenshot is base64 in one message). */
    private static final int MAX_MESSAGE_CHARS = 64 * 1024 * 1024;

    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<EventWait> waits = new CopyOnWriteArrayList<>();
    private final ReentrantLock sendLock = new ReentrantLock();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile WebSocket socket;

    private record EventWait(String method, String sessionId, CompletableFuture<JsonNode> result) {
    }

    private CdpClient() {
    }

    /** Opens the WebSocket to a CDP endpoint ({@code ws://…/devtools/browser/…}). */
    static CdpClient connect(HttpClient http, URI url, Duration timeout) throws IOException {
        return connect(http, url, Map.of(), timeout);
    }

    /** Like {@link #connect(HttpClient, URI, Duration)} with {@code headers} on the upgrade (an agent's secret). */
    static CdpClient connect(HttpClient http, URI url, Map<String, String> headers, Duration timeout) throws IOException {
        CdpClient client = new CdpClient();
        try {
            WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(timeout);
            headers.forEach(builder::header);
            client.socket = builder.buildAsync(url, client.new Listener()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return client;
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("CDP connect to " + url + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while connecting to " + url, e);
        }
    }

    /** Sends {@code method} (to a flattened {@code sessionId}, or the browser when null) and waits for its answer. */
    JsonNode call(String method, Map<String, ?> params, String sessionId, Duration timeout) throws IOException {
        int id = ids.incrementAndGet();
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        if (params != null) {
            message.set("params", JSON.valueToTree(params));
        }
        if (sessionId != null) {
            message.put("sessionId", sessionId);
        }
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        try {
            send(JSON.writeValueAsString(message), timeout);
            JsonNode reply = await(answer, timeout, method);
            if (reply.has("error")) {
                throw new IOException(method + " failed: " + reply.get("error"));
            }
            return reply.path("result");
        } finally {
            pending.remove(id);
        }
    }

    /** Registers a wait for the next {@code method} event of {@code sessionId}; register before causing it. */
    CompletableFuture<JsonNode> nextEvent(String method, String sessionId) {
        EventWait wait = new EventWait(method, sessionId, new CompletableFuture<>());
        waits.add(wait);
        wait.result().whenComplete((r, e) -> waits.remove(wait));
        return wait.result();
    }

    static JsonNode await(CompletableFuture<JsonNode> future, Duration timeout, String what) throws IOException {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(false);
            throw new IOException(what + " got no answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw new IOException(what + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for " + what, e);
        }
    }

    private void send(String text, Duration timeout) throws IOException {
        sendLock.lock(); // the JDK WebSocket allows one outstanding send at a time
        try {
            socket.sendText(text, true).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("CDP send failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while sending", e);
        } finally {
            sendLock.unlock();
        }
    }

    private void dispatch(String text) {
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (IOException e) {
            return; // not JSON: not CDP; ignore
        }
        if (message.has("id")) {
            CompletableFuture<JsonNode> answer = pending.get(message.get("id").asInt());
            if (answer != null) {
                answer.complete(message);
            }
            return;
        }
        String method = message.path("method").asText();
        String sessionId = message.hasNonNull("sessionId") ? message.get("sessionId").asText() : null;
        for (EventWait w : waits) {
            if (w.method().equals(method) && Objects.equals(w.sessionId(), sessionId)) {
                w.result().complete(message.path("params"));
            }
        }
    }

    private void fail(Throwable cause) {
        closed.complete(null);
        pending.values().forEach(f -> f.completeExceptionally(cause));
        waits.forEach(w -> w.result().completeExceptionally(cause));
    }

    /** Closes the WebSocket (normal closure), giving up after a second. */
    @Override
    public void close() {
        if (socket == null || closed.isDone()) {
            return;
        }
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(1, TimeUnit.SECONDS);
            closed.get(1, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the peer did not answer our close; drop the connection
        } finally {
            socket.abort();
            fail(new IOException("CDP connection closed"));
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            if (partial.length() + data.length() > MAX_MESSAGE_CHARS) {
                ws.abort();
                fail(new IOException("CDP message larger than " + MAX_MESSAGE_CHARS + " chars"));
                return null;
            }
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                dispatch(text);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            fail(new IOException("CDP connection closed by peer: " + statusCode + " " + reason));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            fail(error);
        }
    }
}
