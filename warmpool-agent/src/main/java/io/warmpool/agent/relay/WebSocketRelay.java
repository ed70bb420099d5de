package io.warmpool.agent.relay;

import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Relays WebSocket connections served by Javalin to an upstream WebSocket, one upstream per client connection: the
 * gateway's CDP proxy (client → agent) and the agent's CDP relay (gateway → browser) are both one of these, so that
 * both hops keep the same bounds and close codes ({@link RelayConnection}, {@link WebSocketUpstream}). Thread-safe.
 *
 * @param <T> what each connection carries for its owner
 */
public final class WebSocketRelay<T> {
    private static final Logger log = LoggerFactory.getLogger(WebSocketRelay.class);
    /** Client messages buffered before the upstream is open, at most (then close 1009). */
    public static final int MAX_PENDING = 128;

    /**
     * Where one client connection goes, decided when it connects.
     *
     * @param url               the upstream's {@code ws://} URL
     * @param headers           sent on the upstream's upgrade request
     * @param label             names the connection in log lines
     * @param maxQueuedMessages client messages waiting for the upstream's socket at most (then close 1013)
     * @param maxQueuedBytes    bytes waiting for it at most (then 1013; 1009 for one larger message)
     */
    public record Route<T>(String url, Map<String, String> headers, T attachment, String label,
                           int maxQueuedMessages, long maxQueuedBytes) {
    }

    /** What the relay's owner hears of; each method is called on the socket's thread and must not block. */
    public interface Events<T> {
        /** A client connected; its upstream is opening. */
        default void opened(RelayConnection<T> connection) {
        }

        /** A message from the client passed (or was answered by the guard). */
        default void message(RelayConnection<T> connection) {
        }

        /** The client connection ended, whoever ended it; called once. */
        default void closed(RelayConnection<T> connection) {
        }
    }

    private final HttpClient http;
    private final InstantSource clock;
    private final Function<String, Optional<String>> guard;
    private final Map<String, RelayConnection<T>> byContext = new ConcurrentHashMap<>();

    /** @param guard the reply to a client text message that must not pass on, or empty (most messages) */
    public WebSocketRelay(HttpClient http, InstantSource clock, Function<String, Optional<String>> guard) {
        this.http = http;
        this.clock = clock;
        this.guard = guard;
    }

    /** Relays every connection {@code ws} accepts to the route {@code routeOf} names for it. */
    public void configure(WsConfig ws, Function<WsContext, Route<T>> routeOf, Events<T> events) {
        ws.onConnect(ctx -> {
            ctx.session.setIdleTimeout(Duration.ofHours(1));
            Route<T> route = routeOf.apply(ctx);
            RelayConnection<T> conn = new RelayConnection<>(ctx, route.attachment(), route.label(), MAX_PENDING, clock,
                    guard);
            byContext.put(ctx.sessionId(), conn);
            events.opened(conn);
            WebSocketUpstream.open(http, route.url(), route.headers(), conn, route.maxQueuedMessages(),
                    route.maxQueuedBytes()).whenComplete((up, error) -> {
                        if (error != null) {
                            log.warn("{} - upstream {} failed to open: {}", route.label(), route.url(), error.toString());
                            conn.closeClient(io.warmpool.protocol.AgentProtocol.CLOSE_UPSTREAM_FAILED,
                                    "browser endpoint unreachable");
                        } else {
                            conn.upstreamOpen(up);
                        }
                    });
        });
        ws.onMessage(ctx -> withConnection(ctx, events, c -> c.fromClient(ctx.message())));
        ws.onBinaryMessage(ctx -> withConnection(ctx, events, c -> {
            ByteBuffer data = ctx.data();
            c.fromClient(ByteBuffer.allocate(data.remaining()).put(data.duplicate()).flip());
        }));
        ws.onClose(ctx -> forget(ctx, events));
        ws.onError(ctx -> forget(ctx, events));
    }

    private void withConnection(WsContext ctx, Events<T> events, java.util.function.Consumer<RelayConnection<T>> action) {
        RelayConnection<T> c = byContext.get(ctx.sessionId());
        if (c != null) {
            action.accept(c);
            events.message(c);
        }
    }

    private void forget(WsContext ctx, Events<T> events) {
        RelayConnection<T> c = byContext.remove(ctx.sessionId());
        if (c != null) {
            c.closeUpstream();
            events.closed(c);
        }
    }

    /** Pings every client connection that carried no message either way for {@code pingMillis}. */
    public void pingIdle(long pingMillis) {
        long now = clock.millis();
        for (RelayConnection<T> c : byContext.values()) {
            if (now - c.lastTrafficMillis() >= pingMillis) {
                c.ping();
            }
        }
    }

    /** The client connections relayed now (a live view). */
    public Collection<RelayConnection<T>> connections() {
        return byContext.values();
    }

    /** Closes every client connection with {@code code} and {@code reason}. */
    public void closeAll(int code, String reason) {
        byContext.values().forEach(c -> c.closeClient(code, reason));
    }
}
