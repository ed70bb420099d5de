package io.warmpool.server.http;

import io.javalin.http.Context;
import io.warmpool.Instance;
import io.warmpool.InstanceLostException;
import io.warmpool.InstanceState;
import io.warmpool.InvalidRequestException;
import io.warmpool.SessionNotFoundException;
import io.warmpool.server.RegionRuntime;
import io.warmpool.server.config.ProcessPool;

import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the process a session on a process pool holds, for the proxy, under the CDP proxy's rules: the caller names
 * the session with its token ({@code X-Warmpool-Token} header or {@code warmpool-token} query parameter, the token of
 * the session's answer) or its tenant's API key; another tenant's session and an unknown one are 404, a session
 * whose instance was lost is 410, a browser session is 400 ({@code not_a_process_pool}). Proxied traffic keeps the
 * session alive, written at most once a second per session. Thread-safe.
 */
final class ProcessSessions {
    static final String TOKEN_HEADER = "X-Warmpool-Token";
    static final String TOKEN_PARAM = "warmpool-token";
    private static final int MAX_TOUCHED = 10_000;

    /** A live session on a process pool: where its process listens. */
    record Target(String sessionId, RegionRuntime region, Instance instance, URI base, ProcessPool pool) {
        int port() {
            return base.getPort();
        }
    }

    private final RegionResolver resolver;
    private final Access access;
    private final SessionTokens tokens;
    private final InstantSource clock;
    private final Map<String, Long> touchedAt = new ConcurrentHashMap<>(); // session -> epoch ms

    ProcessSessions(RegionResolver resolver, Access access, SessionTokens tokens, InstantSource clock) {
        this.resolver = resolver;
        this.access = access;
        this.tokens = tokens;
        this.clock = clock;
    }

    /** The internal id of session {@code {id}}, by its token or the caller's key; 404 for a token not its own. */
    String internalId(Context ctx) {
        String id = ctx.pathParam("id");
        String token = ctx.header(TOKEN_HEADER) != null ? ctx.header(TOKEN_HEADER) : ctx.queryParam(TOKEN_PARAM);
        if (token != null) {
            return tokens.verify(token, id).map(tenant -> tenant + "/" + id)
                    .orElseThrow(() -> new SessionNotFoundException(id));
        }
        return Access.internal(access.tenant(ctx), id);
    }

    /** Whether the caller named the session by token (then its API key header, if any, is the upstream's). */
    static boolean byToken(Context ctx) {
        return ctx.header(TOKEN_HEADER) != null || ctx.queryParam(TOKEN_PARAM) != null;
    }

    /** The live process session {@code internal} names; throws (404, 410, 400) otherwise. */
    Target target(String internal) {
        for (RegionRuntime r : resolver.all().values()) {
            Optional<Instance> found = r.shard().findSession(internal);
            if (found.isEmpty()) {
                continue;
            }
            Instance i = found.get();
            Optional<ProcessPool> pool = resolver.processPool(i.pool());
            if (pool.isEmpty()) {
                throw new InvalidRequestException("not_a_process_pool", "pool", "session " + Access.external(internal)
                        + " holds a browser of pool '" + i.pool() + "': use its webSocketDebuggerUrl (CDP), not the proxy");
            }
            if (i.state() != InstanceState.CLAIMED || i.agentUrl() == null) {
                throw new InstanceLostException(Access.external(internal), i.id());
            }
            return new Target(internal, r, i, URI.create(i.agentUrl()), pool.get());
        }
        throw new SessionNotFoundException(Access.external(internal));
    }

    /**
     * What a session answer says of a process session: {@code proxyUrl} (HTTP and WebSocket), {@code tcpUrl} when the
     * pool allows TCP tunnels, and the session's {@code token} for callers without the API key (browsers).
     */
    static void describe(Map<String, Object> answer, Context ctx, String sessionId, String token, ProcessPool pool) {
        String host = ctx.header("Host") == null ? "127.0.0.1" : ctx.header("Host");
        answer.put("proxyUrl", "http://" + host + "/v1/sessions/" + sessionId + "/proxy/");
        if (pool.tcp()) {
            answer.put("tcpUrl", "ws://" + host + "/v1/sessions/" + sessionId + "/tcp?" + TOKEN_PARAM + "=" + token);
        }
        answer.put("token", token);
    }

    /** Whether {@code internal} still holds a live instance (for open sockets). */
    boolean live(Target t) {
        Optional<Instance> i = t.region().shard().findSession(t.sessionId());
        return i.isPresent() && i.get().state() == InstanceState.CLAIMED && i.get().id().equals(t.instance().id());
    }

    /** Pushes the session's idle expiry forward: traffic keeps it alive; one write a second per session at most. */
    void touch(Target t) {
        long now = clock.millis();
        Long last = touchedAt.get(t.sessionId());
        if (last != null && now - last < 1000) {
            return;
        }
        if (touchedAt.size() > MAX_TOUCHED) {
            touchedAt.clear(); // bounded: forgetting only costs an extra write
        }
        touchedAt.put(t.sessionId(), now);
        Duration keepAlive = Duration.ofMillis(Math.max(1000, t.instance().keepAliveMillis()));
        t.region().shard().touchSession(t.sessionId(), clock.instant().plus(keepAlive));
    }
}
