package io.warmpool.server.http;

import io.javalin.websocket.WsContext;
import org.eclipse.jetty.websocket.api.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One client connection of the CDP proxy and its upstream. Client messages that arrive before the upstream is open
 * wait in a bounded buffer; after that in the upstream's queue, bounded in messages and bytes: past it the client is
 * closed with 1013 (1009 for one message larger than the whole byte bound), logged once. Remembers when traffic last
 * passed either way, for the idle pings. Thread-safe.
 */
final class ProxyConnection implements CdpUpstream.Downstream {
    private static final Logger log = LoggerFactory.getLogger(ProxyConnection.class);

    private final WsContext client;
    private final DevtoolsProxy.Target target;
    private final int maxPending;
    private final InstantSource clock;
    private final Runnable guardRefused;
    private volatile long lastTrafficMillis;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Object> pending = new ArrayDeque<>(); // guarded by lock
    private CdpUpstream upstream; // guarded by lock
    private boolean closed; // guarded by lock

    ProxyConnection(WsContext client, DevtoolsProxy.Target target, int maxPending, InstantSource clock,
                    Runnable guardRefused) {
        this.client = client;
        this.guardRefused = guardRefused;
        this.target = target;
        this.maxPending = maxPending;
        this.clock = clock;
        this.lastTrafficMillis = clock.millis();
    }

    /** Milliseconds since the epoch when a message last passed in either direction (or the connection opened). */
    long lastTrafficMillis() {
        return lastTrafficMillis;
    }

    /** Pings the client; Jetty answers the client's own pings by itself. */
    void ping() {
        if (client.session.isOpen()) {
            client.session.sendPing(ByteBuffer.allocate(0), Callback.NOOP);
        }
    }

    DevtoolsProxy.Target target() {
        return target;
    }

    void fromClient(Object message) {
        lastTrafficMillis = clock.millis();
        if (message instanceof String text) {
            java.util.Optional<String> refused = CdpGuard.refusal(text);
            if (refused.isPresent()) {
                guardRefused.run();
                text(refused.get());
                return;
            }
        }
        CdpUpstream up;
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
            closeClient(1009, "more than " + maxPending + " messages before the browser connection opened");
            return;
        }
        send(up, message);
    }

    void upstreamOpen(CdpUpstream up) {
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

    private void send(CdpUpstream up, Object message) {
        CdpUpstream.Offer offer = message instanceof String s ? up.sendText(s) : up.sendBinary((ByteBuffer) message);
        if (offer == CdpUpstream.Offer.QUEUED) {
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
        String reason = offer == CdpUpstream.Offer.TOO_BIG ? "message larger than the proxy's queue (proxy.maxQueuedBytes)"
                : "browser not reading: proxy queue full (proxy.maxQueuedMessages/maxQueuedBytes)";
        log.warn("{} - closing the client with {}: {}", target.sessionId(), offer == CdpUpstream.Offer.TOO_BIG ? 1009 : 1013,
                reason);
        closeClient(offer == CdpUpstream.Offer.TOO_BIG ? 1009 : 1013, reason);
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
            log.debug("{} - client send failed: {}", target.sessionId(), e.toString());
            closeUpstream();
            sent.complete(null);
        });
    }

    @Override
    public void closed(int code, String reason) {
        closeClient(code == 1000 || code == 1011 ? code : 1011, reason == null || reason.isEmpty() ? "browser closed" : reason);
    }

    void closeClient(int code, String reason) {
        closeUpstream();
        if (client.session.isOpen()) {
            client.closeSession(code, reason);
        }
    }

    void closeUpstream() {
        CdpUpstream up;
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
