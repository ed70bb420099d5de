package io.warmpool.server.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.warmpool.HeartbeatReport;
import io.warmpool.InvalidRequestException;
import io.warmpool.server.RegionRuntime;

import java.time.Instant;
import java.time.InstantSource;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * {@code POST /internal/v1/heartbeats}: an agent's report of all its instances, put on its region's queue.
 * A full queue answers 503 with {@code Retry-After}; the agent reports again at its next interval. Stateless.
 */
final class HeartbeatRoutes {
    record Report(String agentId, String region, String at, List<Entry> instances) {
    }

    record Entry(String instanceId, Boolean alive) {
    }

    private final RegionResolver resolver;
    private final InstantSource clock;
    private final byte[] agentSecret;

    /** @param agentSecret what agents must present as {@code Authorization: Bearer}; null accepts any caller */
    HeartbeatRoutes(RegionResolver resolver, InstantSource clock, String agentSecret) {
        this.resolver = resolver;
        this.clock = clock;
        this.agentSecret = agentSecret == null ? null : ("Bearer " + agentSecret).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    void register(RoutesConfig app) {
        app.post("/internal/v1/heartbeats", this::take);
    }

    private void take(Context ctx) {
        String auth = ctx.header("Authorization");
        if (agentSecret != null && (auth == null || !java.security.MessageDigest.isEqual(agentSecret,
                auth.getBytes(java.nio.charset.StandardCharsets.US_ASCII)))) {
            throw new io.warmpool.UnauthorizedException("heartbeats need the agents' shared secret");
        }
        Report report = Json.read(ctx.bodyAsBytes(), Report.class);
        RegionRuntime region = report.region() == null ? null : resolver.all().get(report.region());
        if (region == null) {
            throw new InvalidRequestException("unknown_region", "region", "unknown region '" + report.region() + "'");
        }
        if (report.agentId() == null || report.instances() == null) {
            throw new InvalidRequestException("invalid_field", report.agentId() == null ? "agentId" : "instances",
                    "agentId and instances are required");
        }
        if (!region.provider().admits(report.agentId())) {
            ErrorResponses.write(ctx, 403, "unknown_agent", "agent '" + report.agentId()
                    + "' was not started or admitted by this gateway", "agentId");
            return;
        }
        Instant at = at(report.at());
        Instant now = clock.instant();
        int refused = 0;
        for (Entry e : report.instances()) {
            if (e.instanceId() == null) {
                throw new InvalidRequestException("invalid_field", "instances[].instanceId", "instanceId is required");
            }
            boolean alive = e.alive() == null || e.alive();
            if (!region.shard().offer(new HeartbeatReport(e.instanceId(), report.agentId(), alive, at, now))) {
                refused++;
            }
        }
        if (refused > 0) {
            ctx.header("Retry-After", "1");
            ErrorResponses.write(ctx, 503, "queue_full", region.name() + " - heartbeat queue is full; "
                    + refused + " reports refused", null);
            return;
        }
        ctx.status(202).json(java.util.Map.of("success", true, "accepted", report.instances().size()));
    }

    private Instant at(String text) {
        if (text == null) {
            return clock.instant();
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new InvalidRequestException("invalid_field", "at", "at must be an ISO-8601 instant (got '" + text + "')");
        }
    }
}
