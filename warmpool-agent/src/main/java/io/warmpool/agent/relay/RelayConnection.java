package io.warmpool.agent.relay;

import io.javalin.websocket.WsContext;
import io.warmpool.protocol.AgentProtocol;
import org.eclipse.jetty.websocket.api.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * One client connection of a WebSocket relay and its upstream. Client messages that arrive before the upstream is
 * open wait in a bounded buffer (past it: close 1009); after that in the upstream's queue, bounded in messages and
 * bytes: past it the client is closed with 1013 (1009 for one message larger than the whole byte bound), logged once.
 * A close from the upstream is passed on with its code when it is one of the relay's own (1000, 1009, 1011, 1013, 4000),
 * as 1011 otherwise, so that a bound hit on the far hop reaches the client unchanged. Remembers when traffic last
 * passed either way, for idle pings. Thread-safe.
 *
 * @param <T> what the relay's owner attaches to the connection (the gateway: the session and its instance)
 */
public final class RelayConnection<T> implements WebSocketUpstream.Downstream {
    private static final Logger log = LoggerFactory.getLogger(RelayConnection.class);

    private final WsContext client;
    private final T attachment;
    private final String label;
    private final int maxPending;
    private final InstantSource clock;
    private final Function<String, Optional<String>> guard;
    private volatile long lastTrafficMillis;
    private final java.util.concurrent.atomic.AtomicBoolean clientClosing = new java.util.concurrent.atomic.AtomicBoolean();
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Object> pending = new ArrayDeque<>(); // guarded by lock
    private WebSocketUpstream upstream; // guarded by lock
    private boolean closed; // guarded by lock

    /**
     * @param label names the connection in log lines (a session id, an instance id)
     * @param guard the reply to a client text message that must not pass (answered here, never sent on), or empty
     */
    RelayConnection(WsContext client, T attachment, String label, int maxPending, InstantSource clock,
                    Function<String, Optional<String>> guard) {
        this.client = client;
        this.attachment = attachment;
        this.label = label;
        this.maxPending = maxPending;
        this.clock = clock;
        this.guard = guard;
        this.lastTrafficMillis = clock.millis();
    }

    public T attachment() {
        return attachment;
    }

    /** Milliseconds since the epoch when a message last passed in either direction (or the connection opened). */
    public long lastTrafficMillis() {
        return lastTrafficMillis;
    }

    /** Pings the client; Jetty answers the client's own pings by itself. */
    void ping() {
        if (client.session.isOpen()) {
            client.session.sendPing(ByteBuffer.allocate(0), Callback.NOOP);
        }
    }

    void fromClient(Object message) {
        lastTrafficMillis = clock.millis();
        if (message instanceof String text) {
            Optional<String> refused = guard.apply(text);
            if (refused.isPresent()) {
                text(refused.get());
                return;
            }
        }
        WebSocketUpstream up;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            up = upstream;
            if (up == null) {
                if (pending.size() >= maxPending) {
                    closed = true;
                    pending.clear();
                } else {
                    pending.add(message);
                    return;
                }
            }
        } finally {
            lock.unlock();
        }
        if (up == null) {
            closeClient(AgentProtocol.CLOSE_TOO_BIG, "more than " + maxPending + " messages before the upstream opened");
            return;
        }
        send(up, message);
    }

    void upstreamOpen(WebSocketUpstream up) {
        lock.lock();
        try {
            if (closed) {
                up.close();
                return;
            }
            Object m;
            while ((m = pending.poll()) != null && !closed) {
                send(up, m); // under the lock, so that no newer message overtakes these (sends only queue)
            }
            if (closed) {
                up.close(); // the buffered messages overflowed the queue and closed the client
                return;
            }
            upstream = up;
        } finally {
            lock.unlock();
        }
    }

    private void send(WebSocketUpstream up, Object message) {
        WebSocketUpstream.Offer offer = message instanceof String s ? up.sendText(s) : up.sendBinary((ByteBuffer) message);
        if (offer == WebSocketUpstream.Offer.QUEUED) {
            return;
        }
        lock.lock();
        try {
            if (closed) {
                return; // another message already closed it: log and close once
            }
            closed = true;
            pending.clear();
        } finally {
            lock.unlock();
        }
        boolean tooBig = offer == WebSocketUpstream.Offer.TOO_BIG;
        int code = tooBig ? AgentProtocol.CLOSE_TOO_BIG : AgentProtocol.CLOSE_NOT_READING;
        String reason = tooBig ? "message larger than the proxy's queue (proxy.maxQueuedBytes)"
                : "browser not reading: proxy queue full (proxy.maxQueuedMessages/maxQueuedBytes)";
        log.warn("{} - closing the client with {}: {}", label, code, reason);
        closeClient(code, reason);
    }

    @Override
    public CompletableFuture<Void> text(String message) {
        lastTrafficMillis = clock.millis();
        CompletableFuture<Void> sent = new CompletableFuture<>();
        client.session.sendText(message, sentTo(sent));
        return sent;
    }

    @Override
    public CompletableFuture<Void> binary(ByteBuffer message) {
        lastTrafficMillis = clock.millis();
        CompletableFuture<Void> sent = new CompletableFuture<>();
        client.session.sendBinary(message, sentTo(sent));
        return sent;
    }

    /** Completes {@code sent} either way: a failed send to the client ends the upstream too. */
    private Callback sentTo(CompletableFuture<Void> sent) {
        return Callback.from(() -> sent.complete(null), e -> {
            log.debug("{} - client send failed: {}", label, e.toString());
            closeUpstream();
            sent.complete(null);
        });
    }

    @Override
    public void closed(int code, String reason) {
        boolean ours = code == 1000 || code == AgentProtocol.CLOSE_TOO_BIG || code == AgentProtocol.CLOSE_UPSTREAM_FAILED
                || code == AgentProtocol.CLOSE_NOT_READING || code == AgentProtocol.CLOSE_SESSION_ENDED;
        closeClient(ours ? code : AgentProtocol.CLOSE_UPSTREAM_FAILED,
                reason == null || reason.isEmpty() ? "browser closed" : reason);
    }

    /**
     * Closes the client with {@code code} and {@code reason}, and the upstream. The first close wins: closing the
     * upstream makes it report its own close, which must not replace the code given here.
     */
    public void closeClient(int code, String reason) {
        if (!clientClosing.compareAndSet(false, true)) {
            closeUpstream();
            return;
        }
        closeUpstream();
        if (client.session.isOpen()) {
            client.closeSession(code, reason);
        }
    }

    void closeUpstream() {
        WebSocketUpstream up;
        lock.lock();
        try {
            closed = true;
            up = upstream;
            upstream = null;
        } finally {
            lock.unlock();
        }
        if (up != null) {
            up.close();
        }
    }
}
