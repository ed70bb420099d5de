package io.warmpool.server.http;

import io.javalin.config.EventConfig;
import io.javalin.config.RoutesConfig;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;
import io.warmpool.Instance;
import io.warmpool.InstanceState;
import io.warmpool.SessionNotFoundException;
import io.warmpool.server.RegionRuntime;
import io.warmpool.server.config.ProxySettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * {@code ws://gateway/v1/sessions/{id}/devtools/browser} (and {@code /devtools/page/{target}}): a transparent CDP
 * proxy to the session's browser. Unknown, released or lost sessions are refused before the upgrade. Messages from
 * the client that arrive before the upstream is open are buffered up to {@value #MAX_PENDING} (then close 1009),
 * then queued for the browser within {@link ProxySettings}' bounds (then close 1013); an upstream failure closes with
 * 1011. Idle clients get a ping every {@code proxy.pingInterval}. CDP traffic keeps the session alive. Releasing a session closes every
 * connection to it. Thread-safe.
 */
final class DevtoolsProxy {
    private static final Logger log = LoggerFactory.getLogger(DevtoolsProxy.class);
    static final int MAX_PENDING = 128;
    static final int CLOSE_RELEASED = 4000;
    private static final String PATH = "/v1/sessions/{id}/devtools/<target>";

    private final RegionResolver resolver;
    private final Access access;
    private final SessionTokens tokens;
    private final InstantSource clock;
    private final ProxySettings settings;
    private final Runnable guardRefused;
    private final HttpClient http = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    private final Map<String, Set<ProxyConnection>> bySession = new ConcurrentHashMap<>();
    private final Map<String, ProxyConnection> byContext = new ConcurrentHashMap<>();

    /** @param guardRefused told of each client command the {@link CdpGuard} refuses */
    DevtoolsProxy(RegionResolver resolver, Access access, SessionTokens tokens, InstantSource clock,
                  ProxySettings settings, Runnable guardRefused) {
        this.settings = settings;
        this.guardRefused = guardRefused;
        this.resolver = resolver;
        this.access = access;
        this.tokens = tokens;
        this.clock = clock;
    }

    static final String ONE_STEP = "warmpool.devtools.session";

    /**
     * @param oneStep  acquires a session for {@code /v1/devtools?pool=&location=&keepAlive=} and returns its internal id
     * @param releaser releases a session by its internal id (a one-step session ends with its socket)
     */
    void register(RoutesConfig app, EventConfig events, java.util.function.Function<io.javalin.http.Context, String> oneStep,
                  java.util.function.Consumer<String> releaser) {
        app.wsBeforeUpgrade(PATH, ctx -> target(byToken(ctx.pathParam("id"), ctx.queryParam("token")),
                ctx.pathParam("target")));
        app.ws(PATH, ws -> configure(ws, ctx -> byToken(ctx.pathParam("id"), ctx.queryParam("token")),
                ctx -> ctx.pathParam("target"), null));
        app.wsBeforeUpgrade("/v1/devtools", ctx -> ctx.attribute(ONE_STEP, oneStep.apply(ctx)));
        app.ws("/v1/devtools", ws -> configure(ws, ctx -> ctx.attribute(ONE_STEP), ctx -> "browser", releaser));
        app.get("/v1/sessions/{id}/json/version", ctx -> ctx.json(version(ctx)));
        app.get("/v1/sessions/{id}/json/list", ctx -> ctx.json(list(ctx)));
        app.get("/v1/sessions/{id}/json", ctx -> ctx.json(list(ctx)));
        var sweeper = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("devtools-sweeper").factory());
        sweeper.scheduleWithFixedDelay(this::sweep, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
        long pingMillis = settings.pingInterval().toMillis();
        if (pingMillis > 0) {
            sweeper.scheduleWithFixedDelay(() -> pingIdle(pingMillis), pingMillis / 2, pingMillis / 2,
                    java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        events.serverStopping(() -> {
            sweeper.shutdownNow();
            bySession.keySet().forEach(id -> closeAll(id, "gateway stopping"));
        });
    }

    /**
     * Serves a browser socket at {@code path} too (Cloudflare's devtools paths): {@code session} names the internal
     * session id before the upgrade (any error is an HTTP answer); {@code releaseOnClose} may be null.
     */
    void serveBrowserSocket(RoutesConfig app, String path, java.util.function.Function<io.javalin.http.Context, String> session,
                            java.util.function.Consumer<String> releaseOnClose) {
        app.wsBeforeUpgrade(path, ctx -> ctx.attribute(ONE_STEP, session.apply(ctx)));
        app.ws(path, ws -> configure(ws, ctx -> ctx.attribute(ONE_STEP), ctx -> "browser", releaseOnClose));
    }

    /** The internal id of the live session {@code {id}} names, by its token or the caller's key; 404/410 otherwise. */
    String liveSession(io.javalin.http.Context ctx) {
        String internal = internalId(ctx);
        target(internal, "browser");
        return internal;
    }

    /** Closes connections whose session was released, expired or lost meanwhile (by the housekeeper, say). */
    private void sweep() {
        try {
            for (Map.Entry<String, Set<ProxyConnection>> e : bySession.entrySet()) {
                Set<ProxyConnection> conns = e.getValue();
                if (conns.isEmpty()) {
                    continue;
                }
                RegionRuntime region = conns.iterator().next().target().region();
                Optional<Instance> i = region.shard().findSession(e.getKey());
                if (i.isEmpty()) {
                    closeAll(e.getKey(), "session expired or released");
                } else if (i.get().state() != InstanceState.CLAIMED) {
                    closeAll(e.getKey(), "session lost its browser");
                }
            }
        } catch (RuntimeException e) {
            log.warn("devtools sweep failed: {}", e.toString());
        }
    }

    /** Pings every client connection that carried no message either way for {@code pingMillis}. */
    private void pingIdle(long pingMillis) {
        try {
            long now = clock.millis();
            for (ProxyConnection c : byContext.values()) {
                if (now - c.lastTrafficMillis() >= pingMillis) {
                    c.ping();
                }
            }
        } catch (RuntimeException e) {
            log.warn("devtools pings failed: {}", e.toString());
        }
    }

    /** Client connections currently proxied. */
    int openConnections() {
        return byContext.size();
    }

    /** The internal session id a valid token for {@code sessionId} names; unknown (404) otherwise. */
    private String byToken(String sessionId, String token) {
        return tokens.verify(token, sessionId).map(tenant -> tenant + "/" + sessionId)
                .orElseThrow(() -> new SessionNotFoundException(sessionId));
    }

    /** For the HTTP discovery endpoints: the session's token, or the owning tenant's API key. */
    private String internalId(io.javalin.http.Context ctx) {
        String id = ctx.pathParam("id");
        String token = ctx.queryParam("token");
        return token != null ? byToken(id, token) : Access.internal(access.tenant(ctx), id);
    }

    private String publicUrl(io.javalin.http.Context ctx, String internal) {
        String external = Access.external(internal);
        return SessionRoutes.devtoolsUrl(ctx, external, tokens.token(Access.tenantOf(internal), external));
    }

    /** Chromium's own {@code /json/version}, with the debugger URL pointing at this proxy. */
    Map<String, Object> version(io.javalin.http.Context ctx) throws Exception {
        Target t = target(internalId(ctx), "browser");
        com.fasterxml.jackson.databind.JsonNode v = browserJson(t, "/json/version");
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        v.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
        out.put("webSocketDebuggerUrl", publicUrl(ctx, t.sessionId()));
        return out;
    }

    /** Chromium's {@code /json/list}: the session's page targets, each reachable through this proxy. */
    java.util.List<Map<String, Object>> list(io.javalin.http.Context ctx) throws Exception {
        Target t = target(internalId(ctx), "browser");
        String url = publicUrl(ctx, t.sessionId());
        String base = url.substring(0, url.indexOf("/devtools/") + "/devtools".length());
        String query = url.substring(url.indexOf('?'));
        java.util.List<Map<String, Object>> out = new java.util.ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode target : browserJson(t, "/json/list")) {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            for (String key : java.util.List.of("description", "id", "title", "type", "url")) {
                m.put(key, target.path(key).asText());
            }
            m.put("webSocketDebuggerUrl", base + "/" + target.path("type").asText("page") + "/"
                    + target.path("id").asText() + query);
            out.add(m);
        }
        return out;
    }

    private com.fasterxml.jackson.databind.JsonNode browserJson(Target t, String path) throws Exception {
        java.net.URI ws = java.net.URI.create(t.url());
        java.net.URI http = java.net.URI.create("http://" + ws.getHost() + ":" + ws.getPort() + path);
        java.net.http.HttpResponse<byte[]> r = this.http.send(java.net.http.HttpRequest.newBuilder(http)
                .timeout(Duration.ofSeconds(5)).build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new io.warmpool.ProviderException(t.sessionId() + " - browser answered " + r.statusCode() + " to " + path);
        }
        return Json.MAPPER.readTree(r.body());
    }

    private void configure(WsConfig ws, java.util.function.Function<WsContext, String> sessionOf,
                           java.util.function.Function<WsContext, String> targetOf,
                           java.util.function.Consumer<String> releaseOnClose) {
        ws.onConnect(ctx -> {
            ctx.session.setIdleTimeout(Duration.ofHours(1));
            String sessionId = sessionOf.apply(ctx);
            Target target = target(sessionId, targetOf.apply(ctx));
            ProxyConnection conn = new ProxyConnection(ctx, target, MAX_PENDING, clock, guardRefused);
            byContext.put(ctx.sessionId(), conn);
            bySession.computeIfAbsent(sessionId, k -> ConcurrentHashMap.newKeySet()).add(conn);
            CdpUpstream.open(http, target.url(), conn, settings.maxQueuedMessages(), settings.maxQueuedBytes()).whenComplete((up, error) -> {
                if (error != null) {
                    log.warn("{} - upstream {} failed to open: {}", sessionId, target.url(), error.toString());
                    conn.closeClient(1011, "browser endpoint unreachable");
                } else {
                    conn.upstreamOpen(up);
                }
            });
        });
        ws.onMessage(ctx -> withConnection(ctx, c -> c.fromClient(ctx.message())));
        ws.onBinaryMessage(ctx -> withConnection(ctx, c -> {
            ByteBuffer data = ctx.data();
            ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data.duplicate()).flip();
            c.fromClient(copy);
        }));
        ws.onClose(ctx -> forget(ctx, releaseOnClose));
        ws.onError(ctx -> forget(ctx, releaseOnClose));
    }

    private void withConnection(WsContext ctx, java.util.function.Consumer<ProxyConnection> action) {
        ProxyConnection c = byContext.get(ctx.sessionId());
        if (c != null) {
            action.accept(c);
            touch(c.target());
        }
    }

    private void forget(WsContext ctx, java.util.function.Consumer<String> releaseOnClose) {
        ProxyConnection c = byContext.remove(ctx.sessionId());
        if (c != null) {
            c.closeUpstream();
            Set<ProxyConnection> set = bySession.get(c.target().sessionId());
            if (set != null) {
                set.remove(c);
            }
            if (releaseOnClose != null) {
                releaseOnClose.accept(c.target().sessionId());
            }
        }
    }

    /** Closes every connection to {@code sessionId} with {@value #CLOSE_RELEASED} and {@code reason}. */
    void closeAll(String sessionId, String reason) {
        Set<ProxyConnection> set = bySession.remove(sessionId);
        if (set != null) {
            set.forEach(c -> c.closeClient(CLOSE_RELEASED, reason));
        }
    }

    private void touch(Target t) {
        Instant now = clock.instant();
        if (t.touchedAt() == null || Duration.between(t.touchedAt(), now).toMillis() >= 1000) {
            t.region().shard().touchSession(t.sessionId(), now.plus(t.keepAlive()));
            t.touched(now);
        }
    }

    /** Finds the live session and the browser URL a client path maps to; throws before any upgrade. */
    Target target(String sessionId, String path) {
        for (RegionRuntime r : resolver.all().values()) {
            Optional<Instance> i = r.shard().findSession(sessionId);
            if (i.isPresent() && i.get().state() == InstanceState.CLAIMED && i.get().cdpUrl() != null) {
                return new Target(sessionId, r, Duration.ofMillis(Math.max(1000, i.get().keepAliveMillis())),
                        upstreamUrl(i.get().cdpUrl(), path));
            }
            if (i.isPresent() && resolver.processPool(i.get().pool()).isPresent()) {
                throw new io.warmpool.InvalidRequestException("not_a_browser_pool", "pool", "session "
                        + Access.external(sessionId) + " holds a process: reach it through its proxyUrl, not CDP");
            }
            if (i.isPresent()) {
                throw new io.warmpool.InstanceLostException(Access.external(sessionId), i.get().id());
            }
        }
        throw new SessionNotFoundException(Access.external(sessionId));
    }

    static String upstreamUrl(String browserUrl, String path) {
        int at = browserUrl.indexOf("/devtools/");
        String base = at < 0 ? browserUrl : browserUrl.substring(0, at);
        if (path.equals("browser") || path.startsWith("browser/")) {
            return browserUrl;
        }
        if (!path.matches("page/[A-Za-z0-9]{1,64}")) {
            throw new io.warmpool.InvalidRequestException("invalid_target", "target",
                    "devtools target must be 'browser' or 'page/<id>' (got '" + path + "')");
        }
        return base + "/devtools/" + path;
    }

    /** A proxied client's session and where its browser is. */
    static final class Target {
        private final String sessionId;
        private final RegionRuntime region;
        private final Duration keepAlive;
        private final String url;
        private volatile Instant touchedAt;

        Target(String sessionId, RegionRuntime region, Duration keepAlive, String url) {
            this.sessionId = sessionId;
            this.region = region;
            this.keepAlive = keepAlive;
            this.url = url;
        }

        String sessionId() { return sessionId; }
        RegionRuntime region() { return region; }
        Duration keepAlive() { return keepAlive; }
        String url() { return url; }
        Instant touchedAt() { return touchedAt; }
        void touched(Instant at) { touchedAt = at; }
    }
}
