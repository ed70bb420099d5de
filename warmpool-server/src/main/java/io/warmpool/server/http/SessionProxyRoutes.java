package io.warmpool.server.http;

import io.javalin.config.EventConfig;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;
import io.warmpool.InvalidRequestException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * How a session on a process pool reaches its process through the gateway:
 * <ul>
 * <li>{@code /v1/sessions/{id}/proxy/<path>}: HTTP, any common method, forwarded to {@code <path>} on the process
 * ({@link HttpForwarder}); a WebSocket upgrade on the same path is relayed to the process's socket there
 * ({@link SocketRelay});</li>
 * <li>{@code /v1/sessions/{id}/tcp}: a WebSocket whose binary messages are a raw TCP connection to the process's
 * port ({@link TcpTunnel}), for pools with {@code "tcp": true}.</li>
 * </ul>
 * Auth and tenancy as for CDP ({@link ProcessSessions}); the gateway's own credentials never reach the process.
 * Sockets whose session ended (released, expired, lost) are closed with 4000 within a second. Thread-safe.
 */
final class SessionProxyRoutes {
    private static final Logger log = LoggerFactory.getLogger(SessionProxyRoutes.class);
    static final String PROXY = "/v1/sessions/{id}/proxy";
    static final String TCP = "/v1/sessions/{id}/tcp";
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);
    static final Duration OPEN_TIMEOUT = Duration.ofSeconds(5);
    private static final List<HandlerType> METHODS = List.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT,
            HandlerType.PATCH, HandlerType.DELETE, HandlerType.HEAD, HandlerType.OPTIONS);
    private static final String TARGET = "warmpool.proxy.target";
    private static final String UPSTREAM = "warmpool.proxy.upstream";

    /** An open socket and how to end it. */
    private record Open(ProcessSessions.Target target, Object relay, Runnable onClientClose,
                        java.util.function.BiConsumer<Integer, String> close) {
    }

    private final ProcessSessions sessions;
    private final boolean authNone;
    private final long maxMessageBytes;
    private final HttpForwarder forwarder = new HttpForwarder(ANSWER_TIMEOUT);
    private final HttpClient sockets = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor())
            .connectTimeout(OPEN_TIMEOUT).build();
    private final Map<String, Open> open = new ConcurrentHashMap<>(); // by client socket id

    /**
     * @param authNone        whether the gateway runs without API keys (then an {@code Authorization} header is the
     *                        process's, and is forwarded)
     * @param maxMessageBytes the largest WebSocket message relayed
     */
    SessionProxyRoutes(ProcessSessions sessions, boolean authNone, long maxMessageBytes) {
        this.sessions = sessions;
        this.authNone = authNone;
        this.maxMessageBytes = maxMessageBytes;
    }

    void register(RoutesConfig app, EventConfig events) {
        for (String path : List.of(PROXY, PROXY + "/<path>")) {
            for (HandlerType method : METHODS) {
                app.addHttpHandler(method, path, this::forward);
            }
            app.wsBeforeUpgrade(path, ctx -> {
                ProcessSessions.Target t = sessions.target(sessions.internalId(ctx));
                ctx.attribute(TARGET, t);
                URI http = upstream(t.base(), ctx.req().getRequestURI(), ctx.req().getQueryString());
                ctx.attribute(UPSTREAM, URI.create("ws" + http.toString().substring("http".length())));
            });
            app.ws(path, ws -> relay(ws));
        }
        app.wsBeforeUpgrade(TCP, ctx -> {
            ProcessSessions.Target t = sessions.target(sessions.internalId(ctx));
            if (!t.pool().tcp()) {
                throw new InvalidRequestException("tcp_not_enabled", "tcp", "pool '" + t.instance().pool()
                        + "' does not allow TCP tunnels (set \"tcp\": true on the pool)");
            }
            ctx.attribute(TARGET, t);
        });
        app.ws(TCP, this::tunnel);
        ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("proxy-sweeper").factory());
        sweeper.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
        events.serverStopping(() -> {
            sweeper.shutdownNow();
            open.values().forEach(o -> o.close().accept(1001, "gateway stopping"));
            forwarder.close();
            sockets.close();
        });
    }

    private void forward(Context ctx) throws InterruptedException {
        ProcessSessions.Target t = sessions.target(sessions.internalId(ctx));
        sessions.touch(t);
        String prefix = "/v1/sessions/" + ctx.pathParam("id") + "/proxy";
        Set<String> drop = authNone || ProcessSessions.byToken(ctx) ? Set.of("x-warmpool-token")
                : Set.of("x-warmpool-token", "authorization");
        forwarder.forward(ctx, upstream(t.base(), ctx.req().getRequestURI(), ctx.req().getQueryString()), prefix, drop);
    }

    /** The process's URL for gateway path {@code requestUri} (raw, still encoded) and query, less the token. */
    static URI upstream(URI base, String requestUri, String query) {
        int at = requestUri.indexOf("/proxy");
        String path = at < 0 ? "/" : requestUri.substring(at + "/proxy".length());
        if (path.isEmpty()) {
            path = "/";
        }
        String kept = query == null ? null : String.join("&", java.util.Arrays.stream(query.split("&"))
                .filter(p -> !p.equals(ProcessSessions.TOKEN_PARAM) && !p.startsWith(ProcessSessions.TOKEN_PARAM + "="))
                .toList());
        return URI.create(base.getScheme() + "://" + base.getRawAuthority() + path
                + (kept == null || kept.isEmpty() ? "" : "?" + kept));
    }

    private void relay(WsConfig ws) {
        ws.onConnect(ctx -> {
            ProcessSessions.Target t = ctx.attribute(TARGET);
            URI url = ctx.attribute(UPSTREAM);
            try {
                SocketRelay relay = SocketRelay.open(sockets, url, ctx, maxMessageBytes, OPEN_TIMEOUT);
                open.put(ctx.sessionId(), new Open(t, relay, () -> relay.clientClosed(1000, "client closed"),
                        relay::close));
            } catch (Exception e) {
                log.warn("{} - proxied socket {} failed to open: {}", Access.external(t.sessionId()), url, e.toString());
                ctx.closeSession(1011, "the session's process refused the socket");
            }
        });
        ws.onMessage(ctx -> withRelay(ctx, r -> r.fromClient(ctx.message())));
        ws.onBinaryMessage(ctx -> withRelay(ctx, r -> r.fromClient(copy(ctx.data()))));
        ws.onClose(ctx -> ended(ctx.sessionId()));
        ws.onError(ctx -> ended(ctx.sessionId()));
    }

    private void tunnel(WsConfig ws) {
        ws.onConnect(ctx -> {
            ProcessSessions.Target t = ctx.attribute(TARGET);
            try {
                TcpTunnel tunnel = TcpTunnel.open(ctx, t.base().getHost(), t.port(), OPEN_TIMEOUT);
                open.put(ctx.sessionId(), new Open(t, tunnel, tunnel::close, (code, reason) -> {
                    tunnel.close();
                    if (ctx.session.isOpen()) {
                        ctx.closeSession(code, reason);
                    }
                }));
            } catch (java.io.IOException e) {
                log.warn("{} - tcp tunnel to port {} failed: {}", Access.external(t.sessionId()), t.port(), e.toString());
                ctx.closeSession(1011, "the session's process refused the connection");
            }
        });
        ws.onBinaryMessage(ctx -> {
            Open o = open.get(ctx.sessionId());
            if (o != null && o.relay() instanceof TcpTunnel tunnel) {
                tunnel.fromClient(ctx.data());
                sessions.touch(o.target());
            }
        });
        ws.onMessage(ctx -> ctx.closeSession(1003, "a TCP tunnel carries binary messages only"));
        ws.onClose(ctx -> ended(ctx.sessionId()));
        ws.onError(ctx -> ended(ctx.sessionId()));
    }

    private interface RelayAction {
        void run(SocketRelay relay) throws Exception;
    }

    private void withRelay(WsContext ctx, RelayAction action) throws Exception {
        Open o = open.get(ctx.sessionId());
        if (o != null && o.relay() instanceof SocketRelay relay) {
            action.run(relay);
            sessions.touch(o.target());
        }
    }

    private static ByteBuffer copy(ByteBuffer data) {
        return ByteBuffer.allocate(data.remaining()).put(data.duplicate()).flip();
    }

    private void ended(String socketId) {
        Open o = open.remove(socketId);
        if (o != null) {
            o.onClientClose().run();
        }
    }

    /** Closes sockets whose session ended meanwhile (released, expired, lost). */
    private void sweep() {
        try {
            Map<String, Boolean> live = new java.util.HashMap<>();
            for (Map.Entry<String, Open> e : open.entrySet()) {
                ProcessSessions.Target t = e.getValue().target();
                if (!live.computeIfAbsent(t.sessionId(), k -> sessions.live(t))) {
                    e.getValue().close().accept(DevtoolsProxy.CLOSE_RELEASED, "session ended");
                }
            }
        } catch (RuntimeException e) {
            log.warn("proxy sweep failed: {}", e.toString());
        }
    }

    /** Proxied sockets open now. */
    int openSockets() {
        return open.size();
    }
}
