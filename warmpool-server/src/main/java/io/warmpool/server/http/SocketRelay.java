package io.warmpool.server.http;

import io.javalin.websocket.WsContext;
import org.eclipse.jetty.websocket.api.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * One proxied WebSocket: a client of the gateway and the gateway's socket to the session's process, text and binary
 * messages both ways. Bounded without a queue: a client message is handed on before the next is read (the send is
 * awaited, at most {@link #SEND_TIMEOUT}), and the next process message is requested only once the last reached the
 * client; a message over {@code maxMessageBytes} closes both with 1009. A close on either side closes the other with
 * its code; a failure closes the client with 1011. Thread-safe.
 */
final class SocketRelay implements WebSocket.Listener {
    private static final Logger log = LoggerFactory.getLogger(SocketRelay.class);
    static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private final WsContext client;
    private final long maxMessageBytes;
    private final StringBuilder text = new StringBuilder(); // only on the listener's (serial) calls
    private java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream(); // likewise
    private volatile WebSocket upstream;

    private SocketRelay(WsContext client, long maxMessageBytes) {
        this.client = client;
        this.maxMessageBytes = maxMessageBytes;
    }

    /** Opens the process's socket at {@code url} for {@code client}; waits at most {@code timeout}. */
    static SocketRelay open(HttpClient http, URI url, WsContext client, long maxMessageBytes, Duration timeout)
            throws Exception {
        SocketRelay relay = new SocketRelay(client, maxMessageBytes);
        relay.upstream = http.newWebSocketBuilder().connectTimeout(timeout).buildAsync(url, relay)
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return relay;
    }

    /** A client text message, passed on before the next is read. */
    void fromClient(String message) throws Exception {
        upstream.sendText(message, true).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A client binary message, passed on before the next is read. */
    void fromClient(ByteBuffer message) throws Exception {
        upstream.sendBinary(message, true).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The client closed: so does the process's socket. */
    void clientClosed(int code, String reason) {
        WebSocket u = upstream;
        if (u != null && !u.isOutputClosed()) {
            int sent = code == 1005 || code == 1006 || code < 1000 ? 1000 : code; // not sendable: "normal"
            u.sendClose(sent, reason == null ? "" : reason).orTimeout(5, TimeUnit.SECONDS)
                    .whenComplete((w, e) -> u.abort());
        }
    }

    /** Closes both sides with {@code code}. */
    void close(int code, String reason) {
        WebSocket u = upstream;
        if (u != null) {
            u.abort();
        }
        if (client.session.isOpen()) {
            client.closeSession(code, reason);
        }
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (text.length() > maxMessageBytes) {
            close(1009, "message over " + maxMessageBytes + " bytes");
            return null;
        }
        if (!last) {
            webSocket.request(1);
            return null;
        }
        String message = text.toString();
        text.setLength(0);
        client.session.sendText(message, callback(webSocket));
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        if (binary.size() + data.remaining() > maxMessageBytes) {
            close(1009, "message over " + maxMessageBytes + " bytes");
            return null;
        }
        byte[] chunk = new byte[data.remaining()];
        data.get(chunk);
        binary.writeBytes(chunk);
        if (!last) {
            webSocket.request(1);
            return null;
        }
        ByteBuffer message = ByteBuffer.wrap(binary.toByteArray());
        binary = new java.io.ByteArrayOutputStream();
        client.session.sendBinary(message, callback(webSocket));
        return null;
    }

    /** Asks for the next process message once this one reached the client. */
    private Callback callback(WebSocket webSocket) {
        return Callback.from(() -> webSocket.request(1), e -> close(1011, "client send failed"));
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        if (client.session.isOpen()) {
            client.closeSession(statusCode == 1005 ? 1000 : statusCode, reason);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        log.debug("proxied socket failed: {}", error.toString());
        if (client.session.isOpen()) {
            client.closeSession(1011, "the session's process socket failed");
        }
    }
}
