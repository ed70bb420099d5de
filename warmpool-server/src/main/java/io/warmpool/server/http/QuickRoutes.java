package io.warmpool.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.warmpool.Instance;
import io.warmpool.InvalidRequestException;
import io.warmpool.ProviderException;
import io.warmpool.core.Allocator;
import io.warmpool.core.Lease;
import io.warmpool.core.RegionPool;
import io.warmpool.core.SessionIds;
import io.warmpool.core.SharedRouter;
import io.warmpool.quick.QuickAction;
import io.warmpool.protocol.AgentProtocol;
import io.warmpool.quick.QuickActionRequest;
import io.warmpool.quick.ServerTiming;
import io.warmpool.server.local.AgentClient;
import io.warmpool.server.local.AgentReply;
import io.warmpool.server.metrics.GatewayMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * {@code POST /v1/quick/{action}} and, through {@link CloudflareRoutes}, Cloudflare's
 * {@code /accounts/{account}/browser-rendering/{action}}: one HTTP request in, one to the agent next to a claimed
 * warm browser, one answer out. The instance goes back to the pool at once (its context was disposed by the agent).
 * Successful answers of {@code url} bodies may be served again from a {@link QuickCache} for {@code ?cacheTTL}
 * seconds. Stateless apart from that cache.
 */
final class QuickRoutes {
    private static final Logger log = LoggerFactory.getLogger(QuickRoutes.class);
    static final String SESSION_PREFIX = "quick-";
    private static final int DEAD = 410;

    static final String TENANT_HEADER = "X-Warmpool-Tenant";
    static final String BROWSER_MS = AgentProtocol.BROWSER_MS_HEADER;

    /** Which set of paths a request came by: they differ only in the default cacheTTL and the timeout status. */
    enum Paths {
        /** {@code /v1/quick}: no cache unless asked, timeouts are 422 {@code action_timeout}. */
        WARMPOOL(0),
        /** Cloudflare's paths: cacheTTL 5 s by default, timeouts are 408. */
        CLOUDFLARE(5);

        final int defaultCacheTtl;

        Paths(int defaultCacheTtl) {
            this.defaultCacheTtl = defaultCacheTtl;
        }
    }

    private final RegionResolver resolver;
    private final Allocator allocator;
    private final Access access;
    private final AgentClient agents;
    private final QuickCache cache;
    private final JsonAction json;
    private final GatewayMetrics metrics;
    private static final String TIMED = "warmpool.quick.started";
    private static final String ACTION = "warmpool.quick.action";

    QuickRoutes(RegionResolver resolver, Allocator allocator, Access access, AgentClient agents, QuickCache cache,
                JsonAction json, GatewayMetrics metrics) {
        this.metrics = metrics;
        this.resolver = resolver;
        this.allocator = allocator;
        this.access = access;
        this.agents = agents;
        this.cache = cache;
        this.json = json;
    }

    void register(RoutesConfig app) {
        app.post("/v1/quick/{action}", ctx -> run(ctx, ctx.pathParam("action"), Paths.WARMPOOL));
        app.after(this::count);
    }

    /**
     * {@code warmpool_quick_action_seconds{action,status}} for known actions on either set of paths, after the error
     * mapping has set the final status.
     */
    private void count(Context ctx) {
        Long t0 = ctx.attribute(TIMED);
        String name = ctx.attribute(ACTION);
        if (t0 != null && name != null) {
            QuickAction.fromPath(name).ifPresent(a -> metrics.quickAction(a.path(), ctx.statusCode(),
                    Duration.ofNanos(System.nanoTime() - t0)));
        }
    }

    /** {@code warmpool_egress_blocked_total}: a refused page ({@code url}) and refused requests of a page. */
    private void countBlocked(QuickAnswer answer) {
        String blocked = answer.headers().get(AgentProtocol.BLOCKED_HEADER);
        long requests = blocked == null || !blocked.matches("\\d{1,9}") ? 0 : Long.parseLong(blocked);
        if (requests > 0) {
            metrics.egressBlocked("request", requests);
        }
        if (answer.status() == 400 && new String(answer.body(), java.nio.charset.StandardCharsets.UTF_8)
                .contains("\"blocked_url\"")) {
            metrics.egressBlocked("url", 1);
        }
    }

    void run(Context ctx, String actionName, Paths paths) {
        QuickTiming timing = new QuickTiming();
        ctx.attribute(TIMED, System.nanoTime());
        ctx.attribute(ACTION, actionName);
        ctx.header(BROWSER_MS, "0"); // errors before the browser is involved used none
        QuickAction action = QuickAction.fromPath(actionName).orElseThrow(() ->
                new InvalidRequestException("unknown_action", "action", "unknown quick action '" + actionName
                        + "' (known: " + QuickAction.known() + ")"));
        Access.Tenant tenant = access.tenant(ctx);
        access.takeQuick(tenant); // every request counts, valid or not: the limit is there for abuse
        QuickActionRequest body = QuickBody.read(ctx.bodyAsBytes());
        Duration ttl = cacheTtl(ctx, paths);
        String location = ctx.header(SessionRoutes.LOCATION_HEADER);
        if (location == null) {
            location = ctx.queryParam("location");
        }
        RegionResolver.Placement placement = resolver.place(location);
        RegionPool pool = resolver.browserPool(placement.region(), ctx.queryParam("pool"));
        QuickActionRequest request = body.validated(action, pool.settings().pageDefaults());
        String tenantKey = pool.settings().shared() ? sharedTenant(ctx) : null;
        String key = request.url() == null || ttl.isZero() ? null : QuickCache.key(tenant.name(), action.path(),
                pool.settings().name(), placement.region().name() + "/" + tenantKey, Json.write(request));
        QuickAnswer answer = key == null ? null : cache.get(key).map(a -> a.withHeader("X-Warmpool-Cache", "hit")
                .withHeader(BROWSER_MS, "0").withHeader(ServerTiming.HEADER, "")).orElse(null);
        if (answer == null) {
            answer = action == QuickAction.JSON
                    ? json.run(request, markdown -> execute(placement, pool, tenant, tenantKey, QuickAction.MARKDOWN, markdown,
                            timing))
                    : execute(placement, pool, tenant, tenantKey, action, request, timing);
            countBlocked(answer);
            if (key != null && answer.ok()) {
                cache.put(key, answer, ttl);
            }
        }
        if (paths == Paths.CLOUDFLARE && answer.status() == 422 && new String(answer.body(),
                java.nio.charset.StandardCharsets.UTF_8).contains("\"action_timeout\"")) {
            answer = answer.withStatus(408); // Cloudflare answers a page that ran out of time with 408
        }
        answer.withHeader(ServerTiming.HEADER, timing.header(answer.headers().get(ServerTiming.HEADER))).writeTo(ctx);
    }

    /**
     * Checks a quick-action body (Cloudflare's spellings allowed) against the default region and pool's page defaults
     * and bounds, where {@link #runFor} runs it.
     */
    QuickActionRequest validatedForDefaultPool(QuickAction action, ObjectNode body) {
        RegionPool pool = resolver.pool(resolver.place(null).region(), null);
        return QuickBody.fromTree(body).validated(action, pool.settings().pageDefaults());
    }

    /** Runs an action for {@code tenant} in the default region and pool (crawl pages), validated as that pool says. */
    QuickAnswer runFor(Access.Tenant tenant, QuickAction action, ObjectNode body) {
        RegionResolver.Placement placement = resolver.place(null);
        RegionPool pool = resolver.pool(placement.region(), null);
        QuickActionRequest request = QuickBody.fromTree(body).validated(action, pool.settings().pageDefaults());
        return execute(placement, pool, tenant, pool.settings().shared() ? tenant.name() : null, action, request,
                new QuickTiming());
    }

    private QuickAnswer execute(RegionResolver.Placement placement, RegionPool pool, Access.Tenant tenant,
                                String sharedTenant, QuickAction action, QuickActionRequest request,
                                QuickTiming timing) {
        byte[] body = Json.write(request);
        Duration budget = Duration.ofMillis(request.budgetMillis());
        if (sharedTenant != null) {
            SharedRouter.Route route = SharedRouter.route(pool, sharedTenant);
            Instance member = route.member();
            long t0 = System.nanoTime();
            AgentReply answer = agents.quick(member.agentUrl() + AgentProtocol.quick(member.id(), action.path()), body, budget);
            timing.agentAnswered(System.nanoTime() - t0);
            return QuickAnswer.fromAgent(answer, member.region(), member.id(), "X-Warmpool-Warm",
                    Boolean.toString(route.warm()));
        }
        AgentReply answer = null;
        Lease lease = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            long t0 = System.nanoTime();
            // a new id, bound to nothing: no sticky lookups, one claim statement
            lease = allocator.acquireNew(placement.region().name(), pool.settings().name(),
                    Access.internal(tenant, SessionIds.generate(SESSION_PREFIX, placement.region().name())), budget, placement.zones());
            timing.claimed(System.nanoTime() - t0);
            RegionPool holder = allocator.region(lease.instance().region()).pools().get(pool.settings().name());
            answer = call(holder, lease, action, body, budget, timing);
            if (answer.status() != DEAD) {
                break;
            }
            log.warn("{}/{} - {} was dead at the agent; retrying on another instance", pool.settings().name(),
                    lease.instance().region(), lease.instance().id());
        }
        return QuickAnswer.fromAgent(answer, lease.instance().region(), lease.instance().id(), "X-Warmpool-Fallback",
                Boolean.toString(lease.fallback()));
    }

    /** A shared pool's routing key: the tenant's member runs the action in its own fresh context. */
    private static String sharedTenant(Context ctx) {
        String tenant = ctx.header(TENANT_HEADER) != null ? ctx.header(TENANT_HEADER) : ctx.queryParam("tenant");
        if (tenant == null || !tenant.matches("[A-Za-z0-9._:-]{1,128}")) {
            throw new InvalidRequestException("invalid_field", "tenant", "a shared pool needs a tenant (header "
                    + TENANT_HEADER + " or ?tenant=) matching [A-Za-z0-9._:-]{1,128}");
        }
        return tenant;
    }

    private static Duration cacheTtl(Context ctx, Paths paths) {
        String given = ctx.queryParam("cacheTTL");
        if (given == null || given.isEmpty()) {
            return Duration.ofSeconds(paths.defaultCacheTtl);
        }
        try {
            long seconds = Long.parseLong(given.trim());
            if (seconds >= 0 && seconds <= QuickCache.MAX_TTL_SECONDS) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw new InvalidRequestException("invalid_field", "cacheTTL", "cacheTTL must be a whole number of seconds "
                + "between 0 and " + QuickCache.MAX_TTL_SECONDS + " (got '" + given + "')");
    }

    private AgentReply call(RegionPool pool, Lease lease, QuickAction action, byte[] body, Duration budget,
                            QuickTiming timing) {
        Instance instance = lease.instance();
        boolean clean = false;
        try {
            long t0 = System.nanoTime();
            AgentReply answer = agents.quick(instance.agentUrl() + AgentProtocol.quick(instance.id(), action.path()), body,
                    budget);
            timing.agentAnswered(System.nanoTime() - t0);
            // a timed-out or failed action may leave the browser busy or odd: reset it before anyone else gets it
            int status = answer.status();
            clean = status < 400 || (status < 500 && status != DEAD && status != 422 && status != 429);
            return answer;
        } catch (ProviderException e) {
            throw new ProviderException(pool.settings().name() + "/" + pool.region() + " - the agent of "
                    + instance.id() + " did not answer: " + e.getMessage(), e);
        } finally {
            long t0 = System.nanoTime();
            pool.release(instance, clean); // the row as claimed: one statement, no read first
            timing.released(System.nanoTime() - t0);
        }
    }
}
