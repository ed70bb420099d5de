package io.warmpool.server.http;

import io.javalin.config.EventConfig;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;
import io.warmpool.Instance;
import io.warmpool.InstanceState;
import io.warmpool.SessionNotFoundException;
import io.warmpool.agent.relay.RelayConnection;
import io.warmpool.agent.relay.WebSocketRelay;
import io.warmpool.protocol.AgentProtocol;
import io.warmpool.server.config.ProxySettings;
import io.warmpool.server.local.AgentClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * {@code ws://gateway/v1/sessions/{id}/devtools/browser} (and {@code /devtools/page/{target}}): a transparent CDP
 * proxy to the session's browser, through the agent that runs it ({@link DevtoolsTargets}; the gateway never dials
 * the browser). Unknown, released or lost sessions are refused before the upgrade. Client messages that arrive before
 * the agent's relay is open are buffered up to {@value WebSocketRelay#MAX_PENDING} (then close 1009), then queued
 * within {@link ProxySettings}' bounds (then close 1013), and the agent is asked to keep the same bounds towards the
 * browser; a failure upstream closes with 1011, and the agent's own 1009/1013 reach the client unchanged. Idle clients
 * get a ping every {@code proxy.pingInterval}. CDP traffic keeps the session alive. Releasing a session closes every
 * connection to it, here at once and on other gateways within a second (the sweep reads the store). Thread-safe.
 */
final class DevtoolsProxy {
    private static final Logger log = LoggerFactory.getLogger(DevtoolsProxy.class);
    static final int CLOSE_RELEASED = AgentProtocol.CLOSE_SESSION_ENDED;
    static final String ONE_STEP = "warmpool.devtools.session";
    private static final String PATH = "/v1/sessions/{id}/devtools/<target>";

    private final Access access;
    private final SessionTokens tokens;
    private final InstantSource clock;
    private final ProxySettings settings;
    private final AgentClient agents;
    private final DevtoolsTargets targets;
    private final DevtoolsDiscovery discovery;
    private final HttpClient http = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    private final WebSocketRelay<DevtoolsTargets.Target> relay;
    private final Map<String, Set<RelayConnection<DevtoolsTargets.Target>>> bySession = new ConcurrentHashMap<>();
    /**
     * @param agents       calls the agents (it carries the cluster secret)
     * @param guardRefused told of each client command the {@link CdpGuard} refuses
     */
    DevtoolsProxy(RegionResolver resolver, Access access, SessionTokens tokens, InstantSource clock,
                  ProxySettings settings, AgentClient agents, Runnable guardRefused) {
        this.access = access;
        this.tokens = tokens;
        this.clock = clock;
        this.settings = settings;
        this.agents = agents;
        this.targets = new DevtoolsTargets(resolver);
        this.discovery = new DevtoolsDiscovery(targets, agents, tokens);
        this.relay = new WebSocketRelay<>(http, clock, message -> {
            Optional<String> refused = CdpGuard.refusal(message);
            refused.ifPresent(r -> guardRefused.run());
            return refused;
        });
    }

    /**
     * @param oneStep  acquires a session for {@code /v1/devtools?pool=&location=&keepAlive=} and returns its internal id
     * @param releaser releases a session by its internal id (a one-step session ends with its socket)
     */
    void register(RoutesConfig app, EventConfig events, Function<Context, String> oneStep, Consumer<String> releaser) {
        app.wsBeforeUpgrade(PATH, ctx -> targets.target(byToken(ctx.pathParam("id"), ctx.queryParam("token")),
                ctx.pathParam("target")));
        app.ws(PATH, ws -> configure(ws, ctx -> byToken(ctx.pathParam("id"), ctx.queryParam("token")),
                ctx -> ctx.pathParam("target"), null));
        app.wsBeforeUpgrade("/v1/devtools", ctx -> ctx.attribute(ONE_STEP, oneStep.apply(ctx)));
        app.ws("/v1/devtools", ws -> configure(ws, ctx -> ctx.attribute(ONE_STEP), ctx -> "browser", releaser));
        app.get("/v1/sessions/{id}/json/version", ctx -> ctx.json(version(ctx)));
        app.get("/v1/sessions/{id}/json/list", ctx -> ctx.json(list(ctx)));
        app.get("/v1/sessions/{id}/json", ctx -> ctx.json(list(ctx)));
        ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("devtools-sweeper").factory());
        sweeper.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
        long pingMillis = settings.pingInterval().toMillis();
        if (pingMillis > 0) {
            sweeper.scheduleWithFixedDelay(() -> pingIdle(pingMillis), pingMillis / 2, pingMillis / 2,
                    TimeUnit.MILLISECONDS);
        }
        events.serverStopping(() -> {
            sweeper.shutdownNow();
            bySession.keySet().forEach(id -> closeAll(id, "gateway stopping"));
        });
        events.serverStopped(http::close);
    }

    /**
     * Serves a browser socket at {@code path} too (Cloudflare's devtools paths): {@code session} names the internal
     * session id before the upgrade (any error is an HTTP answer); {@code releaseOnClose} may be null.
     */
    void serveBrowserSocket(RoutesConfig app, String path, Function<Context, String> session,
                            Consumer<String> releaseOnClose) {
        app.wsBeforeUpgrade(path, ctx -> ctx.attribute(ONE_STEP, session.apply(ctx)));
        app.ws(path, ws -> configure(ws, ctx -> ctx.attribute(ONE_STEP), ctx -> "browser", releaseOnClose));
    }

    /** The internal id of the live session {@code {id}} names, by its token or the caller's key; 404/410 otherwise. */
    String liveSession(Context ctx) {
        String internal = internalId(ctx);
        targets.target(internal, "browser");
        return internal;
    }

    /** The browser's own endpoints of a session, through its agent. */
    DevtoolsDiscovery discovery() {
        return discovery;
    }

    Map<String, Object> version(Context ctx) {
        return discovery.version(ctx, liveSession(ctx));
    }

    java.util.List<Map<String, Object>> list(Context ctx) {
        return discovery.list(ctx, liveSession(ctx));
    }

    /** Closes connections whose session was released, expired or lost meanwhile (by another gateway, say). */
    private void sweep() {
        try {
            for (Map.Entry<String, Set<RelayConnection<DevtoolsTargets.Target>>> e : bySession.entrySet()) {
                Set<RelayConnection<DevtoolsTargets.Target>> conns = e.getValue();
                if (conns.isEmpty()) {
                    continue;
                }
                Optional<Instance> i = conns.iterator().next().attachment().region().shard().findSession(e.getKey());
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

    private void pingIdle(long pingMillis) {
        try {
            relay.pingIdle(pingMillis);
        } catch (RuntimeException e) {
            log.warn("devtools pings failed: {}", e.toString());
        }
    }

    /** Client connections currently proxied. */
    int openConnections() {
        return relay.connections().size();
    }

    /** The internal session id a valid token for {@code sessionId} names; unknown (404) otherwise. */
    private String byToken(String sessionId, String token) {
        return tokens.verify(token, sessionId).map(tenant -> tenant + "/" + sessionId)
                .orElseThrow(() -> new SessionNotFoundException(sessionId));
    }

    /** For the HTTP discovery endpoints: the session's token, or the owning tenant's API key. */
    private String internalId(Context ctx) {
        String id = ctx.pathParam("id");
        String token = ctx.queryParam("token");
        return token != null ? byToken(id, token) : Access.internal(access.tenant(ctx), id);
    }

    private void configure(WsConfig ws, Function<WsContext, String> sessionOf, Function<WsContext, String> targetOf,
                           Consumer<String> releaseOnClose) {
        relay.configure(ws, ctx -> route(targets.target(sessionOf.apply(ctx), targetOf.apply(ctx))),
                new Tracker(releaseOnClose));
    }

    private WebSocketRelay.Route<DevtoolsTargets.Target> route(DevtoolsTargets.Target t) {
        Map<String, String> headers = new HashMap<>(agents.headers());
        headers.put(AgentProtocol.RELAY_MAX_MESSAGES_HEADER, Integer.toString(settings.maxQueuedMessages()));
        headers.put(AgentProtocol.RELAY_MAX_BYTES_HEADER, Long.toString(settings.maxQueuedBytes()));
        return new WebSocketRelay.Route<>(t.relayUrl(), headers, t, t.sessionId(), settings.maxQueuedMessages(),
                settings.maxQueuedBytes());
    }

    /** Closes every connection to {@code sessionId} with {@value #CLOSE_RELEASED} and {@code reason}. */
    void closeAll(String sessionId, String reason) {
        Set<RelayConnection<DevtoolsTargets.Target>> set = bySession.remove(sessionId);
        if (set != null) {
            set.forEach(c -> c.closeClient(CLOSE_RELEASED, reason));
        }
    }

    private void touch(DevtoolsTargets.Target t) {
        Instant now = clock.instant();
        if (t.touchedAt() == null || Duration.between(t.touchedAt(), now).toMillis() >= 1000) {
            t.region().shard().touchSession(t.sessionId(), now.plus(t.keepAlive()));
            t.touched(now);
        }
    }

    /** Keeps {@link #bySession}, keeps sessions alive while they talk, and ends one-step sessions with their socket. */
    private final class Tracker implements WebSocketRelay.Events<DevtoolsTargets.Target> {
        private final Consumer<String> releaseOnClose;

        /** @param releaseOnClose may be null */
        Tracker(Consumer<String> releaseOnClose) {
            this.releaseOnClose = releaseOnClose;
        }

        @Override
        public void opened(RelayConnection<DevtoolsTargets.Target> c) {
            bySession.computeIfAbsent(c.attachment().sessionId(), k -> ConcurrentHashMap.newKeySet()).add(c);
        }

        @Override
        public void message(RelayConnection<DevtoolsTargets.Target> c) {
            touch(c.attachment());
        }

        @Override
        public void closed(RelayConnection<DevtoolsTargets.Target> c) {
            Set<RelayConnection<DevtoolsTargets.Target>> set = bySession.get(c.attachment().sessionId());
            if (set != null) {
                set.remove(c);
            }
            if (releaseOnClose != null) {
                releaseOnClose.accept(c.attachment().sessionId());
            }
        }
    }
}
