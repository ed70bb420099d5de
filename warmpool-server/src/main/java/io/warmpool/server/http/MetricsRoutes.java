package io.warmpool.server.http;

import io.javalin.config.RoutesConfig;
import io.warmpool.server.metrics.AgentScrape;
import io.warmpool.server.metrics.GatewayMetrics;

/**
 * {@code GET /metrics}: the Prometheus text format, for tenants and read-only keys: the gateway's own families, then
 * the agents' ({@code warmpool_agent_*}, see {@link AgentScrape}). Stateless.
 */
final class MetricsRoutes {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Access access;
    private final GatewayMetrics metrics;
    private final AgentScrape agents;

    MetricsRoutes(Access access, GatewayMetrics metrics, AgentScrape agents) {
        this.access = access;
        this.metrics = metrics;
        this.agents = agents;
    }

    void register(RoutesConfig app) {
        app.get("/metrics", ctx -> {
            access.reader(ctx);
            ctx.contentType(CONTENT_TYPE).result(metrics.scrape() + agents.scrape());
        });
    }
}
