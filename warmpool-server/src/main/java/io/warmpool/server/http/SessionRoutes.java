package io.warmpool.server.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.warmpool.Instance;
import io.warmpool.InstanceState;
import io.warmpool.InvalidRequestException;
import io.warmpool.SessionNotFoundException;
import io.warmpool.core.Allocator;
import io.warmpool.core.Lease;
import io.warmpool.core.RegionPool;
import io.warmpool.core.SessionIds;
import io.warmpool.server.RegionRuntime;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /v1/sessions}: acquire (sticky by session id), list, show and release sessions. A session belongs to the
 * tenant that made it: another tenant's id is simply unknown to a caller (404). Stateless.
 */
final class SessionRoutes {
    static final String LOCATION_HEADER = "X-Warmpool-Location";
    /** A client's own id, or one a gateway generated, which ends in {@code ~region} ({@link SessionIds}). */
    private static final String SESSION_ID = "[A-Za-z0-9._-]{1,128}(~[A-Za-z0-9_-]{1,64})?";
    /** Sessions one listing shows per region at most. */
    private static final int LIST_LIMIT = 1_000;

    record SessionRequest(String pool, String location, String sessionId, String keepAlive) {
    }

    private final RegionResolver resolver;
    private final Allocator allocator;
    private final Access access;
    private final SessionTokens tokens;
    private final DevtoolsProxy proxy;

    SessionRoutes(RegionResolver resolver, Allocator allocator, Access access, SessionTokens tokens, DevtoolsProxy proxy) {
        this.resolver = resolver;
        this.allocator = allocator;
        this.access = access;
        this.tokens = tokens;
        this.proxy = proxy;
    }

    void register(RoutesConfig app) {
        app.post("/v1/sessions", this::acquire);
        app.get("/v1/sessions", this::list);
        app.get("/v1/sessions/{id}", ctx -> ctx.json(view(ctx, find(ctx, ctx.pathParam("id")))));
        app.delete("/v1/sessions/{id}", this::release);
    }

    /**
     * {@code ws://host/v1/devtools?pool=browser&location=LHR&keepAlive=PT60S}: acquires a new session before the
     * upgrade (any error is an HTTP answer) and returns its internal id; the socket then proxies to its browser.
     */
    String acquireForSocket(Context ctx) {
        return acquireNew(ctx, "ws-", pool -> keepAlive(ctx.queryParam("keepAlive"), pool));
    }

    /**
     * Acquires a new session named {@code prefix + uuid} for the calling tenant, in the region of {@code ?location=}
     * (or the location header) and the pool of {@code ?pool=}; returns its internal id.
     */
    String acquireNew(Context ctx, String prefix, java.util.function.Function<RegionPool, Duration> keepAliveFor) {
        Access.Tenant tenant = access.tenant(ctx);
        String location = ctx.queryParam("location") != null ? ctx.queryParam("location") : ctx.header(LOCATION_HEADER);
        RegionResolver.Placement placement = resolver.place(location);
        RegionPool pool = exclusive(resolver.browserPool(placement.region(), ctx.queryParam("pool")));
        Duration keepAlive = keepAliveFor.apply(pool);
        String internal = Access.internal(tenant, SessionIds.generate(prefix, placement.region().name()));
        access.checkConcurrent(tenant, held(tenant));
        access.takeSession(tenant);
        allocator.acquire(placement.region().name(), pool.settings().name(), internal, keepAlive, placement.zones());
        undoIfOver(tenant, internal);
        return internal;
    }

    /** Releases a session by its internal id (the one-step socket closed). */
    void releaseInternal(String internal) {
        allocator.holder(internal).ifPresent(p -> p.release(internal, false));
    }

    private static RegionPool exclusive(RegionPool pool) {
        if (pool.settings().shared()) {
            throw new InvalidRequestException("shared_pool", "pool", "pool '" + pool.settings().name()
                    + "' is shared: its members are routed to by tenant, not held by sessions");
        }
        return pool;
    }

    private void acquire(Context ctx) {
        Access.Tenant tenant = access.tenant(ctx);
        SessionRequest req = Json.read(ctx.bodyAsBytes(), SessionRequest.class);
        String location = req.location() != null ? req.location() : ctx.header(LOCATION_HEADER);
        RegionResolver.Placement placement = resolver.place(location);
        RegionPool pool = exclusive(resolver.pool(placement.region(), req.pool()));
        String sessionId = req.sessionId() == null ? SessionIds.generate("", placement.region().name())
                : req.sessionId();
        if (!sessionId.matches(SESSION_ID) || sessionId.startsWith(QuickRoutes.SESSION_PREFIX)) {
            throw new InvalidRequestException("invalid_field", "sessionId", "sessionId must match " + SESSION_ID
                    + " and not start with '" + QuickRoutes.SESSION_PREFIX + "' (got '" + sessionId + "')");
        }
        Duration keepAlive = keepAlive(req.keepAlive(), pool);
        String internal = Access.internal(tenant, sessionId);
        if (allocator.find(internal).isEmpty()) {
            access.checkConcurrent(tenant, held(tenant));
            access.takeSession(tenant);
        }
        Lease lease = allocator.acquire(placement.region().name(), pool.settings().name(), internal, keepAlive,
                placement.zones());
        if (lease.created()) {
            undoIfOver(tenant, internal);
        }
        ctx.status(lease.created() ? 201 : 200);
        ctx.header("X-Warmpool-Region", lease.instance().region());
        ctx.header("X-Warmpool-Instance", lease.instance().id());
        Instance fresh = allocator.find(internal).orElse(lease.instance());
        Map<String, Object> body = view(ctx, fresh);
        body.put("warm", lease.warm());
        body.put("fallback", lease.fallback());
        ctx.json(body);
    }

    /**
     * The count before a claim and the claim are two steps, so acquisitions at the same moment (through one gateway or
     * several) can each pass at {@code maxSessions - 1}: recounted after the claim, a new session that took the tenant
     * over its limit is released again and refused (when two race, both may be; never both kept).
     */
    private void undoIfOver(Access.Tenant tenant, String internal) {
        long held = held(tenant);
        if (held > tenant.limits().maxSessions()) {
            releaseInternal(internal);
            access.checkConcurrent(tenant, held - 1); // throws 429 maxSessions
        }
    }

    /** Sessions the tenant holds now (quick actions not counted): two indexed counts per region. */
    private long held(Access.Tenant tenant) {
        String prefix = tenant.name() + "/";
        long n = 0;
        for (RegionRuntime r : resolver.all().values()) {
            n += r.shard().countSessions(prefix) - r.shard().countSessions(prefix + QuickRoutes.SESSION_PREFIX);
        }
        return n;
    }

    /** The sessions {@code tenant} holds now (quick actions not counted), at most {@code LIST_LIMIT} a region. */
    List<Instance> sessionsOf(Access.Tenant tenant) {
        String prefix = tenant.name() + "/";
        List<Instance> out = new ArrayList<>();
        for (RegionRuntime r : resolver.all().values()) {
            for (Instance i : r.shard().sessions(prefix, LIST_LIMIT)) {
                if (!Access.external(i.sessionId()).startsWith(QuickRoutes.SESSION_PREFIX)) {
                    out.add(i);
                }
            }
        }
        return out;
    }

    static Duration keepAlive(String text, RegionPool pool) {
        if (text == null) {
            return pool.settings().keepAlive();
        }
        Duration d;
        try {
            d = Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw new InvalidRequestException("invalid_field", "keepAlive",
                    "keepAlive must be an ISO-8601 duration such as PT60S (got '" + text + "')");
        }
        if (d.isNegative() || d.isZero() || d.compareTo(pool.settings().maxKeepAlive()) > 0) {
            throw new InvalidRequestException("invalid_field", "keepAlive", "keepAlive must be between PT0S (exclusive) and "
                    + pool.settings().maxKeepAlive() + " (got " + text + ")");
        }
        return d;
    }

    private void list(Context ctx) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Instance i : sessionsOf(access.tenant(ctx))) {
            out.add(view(ctx, i));
        }
        ctx.json(Map.of("success", true, "result", out));
    }

    private Instance find(Context ctx, String sessionId) {
        String internal = Access.internal(access.tenant(ctx), sessionId);
        return allocator.find(internal).orElseThrow(() -> new SessionNotFoundException(sessionId));
    }

    private void release(Context ctx) {
        releaseOwn(ctx);
        ctx.status(204);
    }

    /** Releases the caller's session {@code {id}}, closing its sockets; whether there was one. */
    boolean releaseOwn(Context ctx) {
        String internal = Access.internal(access.tenant(ctx), ctx.pathParam("id"));
        Optional<RegionPool> holder = allocator.holder(internal);
        if (holder.isPresent()) {
            proxy.closeAll(internal, "session released");
            holder.get().release(internal, false);
        }
        return holder.isPresent();
    }

    private Map<String, Object> view(Context ctx, Instance i) {
        String external = Access.external(i.sessionId());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sessionId", external);
        m.put("instanceId", i.id());
        m.put("region", i.region());
        m.put("pool", i.pool());
        m.put("zone", i.zone());
        m.put("state", i.state() == InstanceState.CLAIMED ? "active" : "lost");
        String token = tokens.token(Access.tenantOf(i.sessionId()), external);
        if (resolver.processPool(i.pool()).isPresent()) {
            ProcessSessions.describe(m, ctx, external, token, resolver.processPool(i.pool()).get());
        } else {
            m.put("webSocketDebuggerUrl", devtoolsUrl(ctx, external, token));
        }
        m.put("expiresAt", i.sessionExpiresAt() == null ? null : i.sessionExpiresAt().toString());
        return m;
    }

    static String devtoolsUrl(Context ctx, String sessionId, String token) {
        String host = ctx.header("Host") == null ? "127.0.0.1" : ctx.header("Host");
        return "ws://" + host + "/v1/sessions/" + sessionId + "/devtools/browser?token=" + token;
    }
}
