package io.warmpool.server.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.warmpool.Instance;
import io.warmpool.InvalidRequestException;
import io.warmpool.ProviderException;
import io.warmpool.core.Allocator;
import io.warmpool.core.Lease;
import io.warmpool.core.SharedRouter;
import io.warmpool.core.RegionPool;
import io.warmpool.quick.QuickAction;
import io.warmpool.quick.QuickActionRequest;
import io.warmpool.server.local.AgentClient;
import io.warmpool.server.metrics.GatewayMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

/**
 * {@code POST /v1/quick/{screenshot|pdf|content}}: one HTTP request in, one to the agent next to a claimed warm
 * browser, one answer out. The instance goes back to the pool at once (its context was disposed by the agent).
 * Stateless.
 */
final class QuickRoutes {
    private static final Logger log = LoggerFactory.getLogger(QuickRoutes.class);
    static final String SESSION_PREFIX = "quick-";
    private static final int DEAD = 410;

    static final String TENANT_HEADER = "X-Warmpool-Tenant";
    private static final String STARTED = "warmpool.quick.started";

    private final RegionResolver resolver;
    private final Allocator allocator;
    private final Access access;
    private final AgentClient agents;

    private final GatewayMetrics metrics;

    QuickRoutes(RegionResolver resolver, Allocator allocator, Access access, AgentClient agents, GatewayMetrics metrics) {
        this.metrics = metrics;
        this.resolver = resolver;
        this.allocator = allocator;
        this.access = access;
        this.agents = agents;
    }

    void register(RoutesConfig app) {
        app.before("/v1/quick/{action}", ctx -> ctx.attribute(STARTED, System.nanoTime()));
        app.post("/v1/quick/{action}", this::run);
        app.after("/v1/quick/{action}", this::count);
    }

    /**
     * {@code warmpool_quick_action_seconds{action,status}} for known actions, after the error mapping has set the
     * final status.
     */
    private void count(Context ctx) {
        Long t0 = ctx.attribute(STARTED);
        if (t0 != null && ctx.method() == io.javalin.http.HandlerType.POST) {
            QuickAction.fromPath(ctx.pathParam("action")).ifPresent(a -> metrics.quickAction(a.path(),
                    ctx.statusCode(), Duration.ofNanos(System.nanoTime() - t0)));
        }
    }

    private void run(Context ctx) {
        QuickAction action = QuickAction.fromPath(ctx.pathParam("action")).orElseThrow(() ->
                new InvalidRequestException("unknown_action", "action", "unknown quick action '"
                        + ctx.pathParam("action") + "' (known: screenshot, pdf, content)"));
        Access.Tenant tenant = access.tenant(ctx);
        access.takeQuick(tenant); // every request counts, valid or not: the limit is there for abuse
        QuickActionRequest request = Json.read(ctx.bodyAsBytes(), QuickActionRequest.class).validated(action);
        String location = ctx.header(SessionRoutes.LOCATION_HEADER);
        if (location == null) {
            location = ctx.queryParam("location");
        }
        RegionResolver.Placement placement = resolver.place(location);
        RegionPool pool = resolver.pool(placement.region(), ctx.queryParam("pool"));
        byte[] body = Json.write(request);
        Duration budget = Duration.ofMillis(request.budgetMillis());
        if (pool.settings().shared()) {
            runShared(ctx, pool, action, body, budget);
            return;
        }
        HttpResponse<byte[]> answer = null;
        Lease lease = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            lease = allocator.acquire(placement.region().name(), pool.settings().name(),
                    Access.internal(tenant, SESSION_PREFIX + UUID.randomUUID()), budget, placement.zones());
            RegionPool holder = allocator.region(lease.instance().region()).pools().get(pool.settings().name());
            answer = call(holder, lease, action, body, budget);
            if (answer.statusCode() != DEAD) {
                break;
            }
            log.warn("{}/{} - {} was dead at the agent; retrying on another instance", pool.settings().name(),
                    lease.instance().region(), lease.instance().id());
        }
        ctx.header("X-Warmpool-Fallback", Boolean.toString(lease.fallback()));
        relay(ctx, lease.instance(), answer);
    }

    /** A shared pool: the tenant's member runs the action in its own fresh context; nothing is claimed. */
    private void runShared(Context ctx, RegionPool pool, QuickAction action, byte[] body, Duration budget) {
        String tenant = ctx.header(TENANT_HEADER) != null ? ctx.header(TENANT_HEADER) : ctx.queryParam("tenant");
        if (tenant == null || !tenant.matches("[A-Za-z0-9._:-]{1,128}")) {
            throw new InvalidRequestException("invalid_field", "tenant", "a shared pool needs a tenant (header "
                    + TENANT_HEADER + " or ?tenant=) matching [A-Za-z0-9._:-]{1,128}");
        }
        SharedRouter.Route route = SharedRouter.route(pool, tenant);
        Instance member = route.member();
        HttpResponse<byte[]> answer = agents.post(member.agentUrl() + "/instances/" + member.id() + "/quick/"
                + action.path(), body, budget);
        ctx.header("X-Warmpool-Warm", Boolean.toString(route.warm()));
        relay(ctx, member, answer);
    }

    private HttpResponse<byte[]> call(RegionPool pool, Lease lease, QuickAction action, byte[] body, Duration budget) {
        Instance instance = lease.instance();
        boolean clean = false;
        try {
            HttpResponse<byte[]> answer = agents.post(instance.agentUrl() + "/instances/" + instance.id() + "/quick/"
                    + action.path(), body, budget);
            // a timed-out or failed action may leave the browser busy or odd: reset it before anyone else gets it
            int status = answer.statusCode();
            clean = status < 400 || (status < 500 && status != DEAD && status != 422 && status != 429);
            return answer;
        } catch (ProviderException e) {
            throw new ProviderException(pool.settings().name() + "/" + pool.region() + " - the agent of "
                    + instance.id() + " did not answer: " + e.getMessage(), e);
        } finally {
            pool.release(instance.sessionId(), clean);
        }
    }

    private void relay(Context ctx, Instance instance, HttpResponse<byte[]> answer) {
        countBlocked(answer);
        ctx.header("X-Warmpool-Region", instance.region());
        ctx.header("X-Warmpool-Instance", instance.id());
        ctx.header("X-Browser-Ms-Used", answer.headers().firstValue("X-Browser-Ms-Used").orElse("0"));
        for (String h : new String[]{"X-Warmpool-Blocked", "X-Warmpool-Blocked-Urls", "Retry-After"}) {
            answer.headers().firstValue(h).ifPresent(v -> ctx.header(h, v));
        }
        ctx.status(answer.statusCode());
        ctx.contentType(answer.headers().firstValue("Content-Type").orElse("application/octet-stream"));
        ctx.result(answer.body());
    }

    /** {@code warmpool_egress_blocked_total}: a refused page ({@code url}) and refused requests of a page. */
    private void countBlocked(HttpResponse<byte[]> answer) {
        long requests = answer.headers().firstValue("X-Warmpool-Blocked").map(Long::parseLong).orElse(0L);
        if (requests > 0) {
            metrics.egressBlocked("request", requests);
        }
        if (answer.statusCode() == 400 && new String(answer.body(), java.nio.charset.StandardCharsets.UTF_8)
                .contains("\"blocked_url\"")) {
            metrics.egressBlocked("url", 1);
        }
    }
}
