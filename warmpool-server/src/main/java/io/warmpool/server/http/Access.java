package io.warmpool.server.http;

import io.javalin.http.Context;
import io.warmpool.ForbiddenException;
import io.warmpool.RateLimitedException;
import io.warmpool.UnauthorizedException;
import io.warmpool.RateLimit;
import io.warmpool.core.RateCells;
import io.warmpool.server.config.AuthSettings;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Who is calling, and whether they are within their limits. API keys arrive as {@code Authorization: Bearer <key>}
 * and are compared by their SHA-256 hash; with auth {@code none} every caller is the anonymous tenant.
 * Thread-safe.
 */
final class Access {
    static final String TENANT = "warmpool.tenant";
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Access.class);

    /** A caller and its limits. */
    record Tenant(String name, AuthSettings.Limits limits) {
    }

    private final AuthSettings auth;
    private final Map<String, Tenant> byKeyHash = new HashMap<>();
    private final RateCells rates;
    private final Consumer<String> onLimited;

    /**
     * @param rates     where the tenants' rate limits are kept: this process's memory for one gateway, the shared
     *                  store when gateways share one, so that a tenant's limit is the same through any of them
     * @param onLimited told the name of each limit a caller goes over
     */
    Access(AuthSettings auth, RateCells rates, Consumer<String> onLimited) {
        this.auth = auth;
        this.rates = rates;
        this.onLimited = onLimited;
        auth.tenants().values().forEach(t -> t.keyHashes().forEach(h -> byKeyHash.put(h, new Tenant(t.name(), t.limits()))));
    }

    /** The calling tenant; 401 without a valid key (unless auth is none). Cached on the request. */
    Tenant tenant(Context ctx) {
        Tenant cached = ctx.attribute(TENANT);
        if (cached != null) {
            return cached;
        }
        Tenant t = auth.none() ? new Tenant(AuthSettings.ANONYMOUS, auth.anonymousLimits()) : byKey(ctx.header("Authorization"));
        ctx.attribute(TENANT, t);
        return t;
    }

    private Tenant byKey(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new UnauthorizedException("send an API key as 'Authorization: Bearer <key>'");
        }
        Tenant t = byKeyHash.get(hash(header.substring(7).trim()));
        if (t == null) {
            throw new UnauthorizedException("the API key is not valid");
        }
        return t;
    }

    /** Lets through a tenant or a read-only key (reads of metrics, status and the dashboard); 401 otherwise. */
    void reader(Context ctx) {
        if (auth.none() || ctx.attribute(TENANT) != null) {
            return;
        }
        String header = ctx.header("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                && auth.readOnlyKeys().contains(hash(header.substring(7).trim()))) {
            return;
        }
        tenant(ctx);
    }

    /** Lets through an operator (a tenant named in auth.operators, or anyone with auth none); 401/403 otherwise. */
    void operator(Context ctx) {
        Tenant t = tenant(ctx);
        if (!auth.none() && !auth.operators().contains(t.name())) {
            throw new ForbiddenException("tenant " + t.name() + " is not an operator (auth.operators)");
        }
    }

    Tenant named(String name) {
        if (auth.none() && name.equals(AuthSettings.ANONYMOUS)) {
            return new Tenant(name, auth.anonymousLimits());
        }
        AuthSettings.Tenant t = auth.tenants().get(name);
        if (t == null) {
            throw new UnauthorizedException("unknown tenant");
        }
        return new Tenant(t.name(), t.limits());
    }

    void takeSession(Tenant t) {
        take(t, "sessionsPerMinute", sessionLimit(t), t.limits().sessionsPerMinute() + " new sessions per minute");
    }

    /** How many new sessions {@code t} may start now, and how long until the next when none. */
    RateLimit.Allowance sessionAllowance(Tenant t) {
        return rates.peek(key(t, "sessionsPerMinute"), sessionLimit(t));
    }

    void takeQuick(Tenant t) {
        take(t, "quickPerSecond", new RateLimit(t.limits().quickPerSecond(), t.limits().quickPerSecond()),
                t.limits().quickPerSecond() + " quick actions per second");
    }

    private static RateLimit sessionLimit(Tenant t) {
        return new RateLimit(t.limits().sessionsPerMinute(), t.limits().sessionsPerMinute() / 60.0);
    }

    /** A tenant's cell for one limit; tenant names cannot hold a '/' ({@link AuthSettings.Tenant}). */
    private static String key(Tenant t, String limit) {
        return "tenant/" + t.name() + "/" + limit;
    }

    void checkConcurrent(Tenant t, long held) {
        if (held >= t.limits().maxSessions()) {
            limited(t, "maxSessions");
            throw new RateLimitedException("maxSessions", "tenant " + t.name() + " holds " + held
                    + " sessions, its limit maxSessions=" + t.limits().maxSessions() + "; release one first",
                    Duration.ofSeconds(5));
        }
    }

    private void take(Tenant t, String limit, RateLimit rate, String what) {
        Duration wait = rates.take(key(t, limit), rate);
        if (!wait.isZero()) {
            limited(t, limit);
            throw new RateLimitedException(limit, "tenant " + t.name() + " is over " + limit + " (" + what + ")", wait);
        }
    }

    private void limited(Tenant t, String limit) {
        onLimited.accept(limit);
        log.atInfo().addKeyValue("tenant", t.name()).addKeyValue("limit", limit)
                .log("tenant {} hit its limit {}", t.name(), limit);
    }

    static String hash(String key) {
        return KeyHash.of(key);
    }

    /** Internal session ids carry their tenant, so one tenant's ids never meet another's. */
    static String internal(Tenant t, String sessionId) {
        return t.name() + "/" + sessionId;
    }

    static String external(String internal) {
        int slash = internal.indexOf('/');
        return slash < 0 ? internal : internal.substring(slash + 1);
    }

    static String tenantOf(String internal) {
        int slash = internal.indexOf('/');
        return slash < 0 ? "" : internal.substring(0, slash);
    }
}
