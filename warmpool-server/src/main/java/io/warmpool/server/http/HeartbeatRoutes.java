package io.warmpool.server.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.warmpool.HeartbeatReport;
import io.warmpool.InvalidRequestException;
import io.warmpool.protocol.AgentMessages.Heartbeat;
import io.warmpool.protocol.AgentMessages.InstanceStatus;
import io.warmpool.protocol.AgentProtocol;
import io.warmpool.server.RegionRuntime;

import java.time.Instant;
import java.time.InstantSource;
import java.time.format.DateTimeParseException;

/**
 * {@code POST /internal/v1/heartbeats}: an agent's report of all its instances, put on its region's queue.
 * A full queue answers 503 with {@code Retry-After}; the agent reports again at its next interval. Stateless.
 */
final class HeartbeatRoutes {
    private final RegionResolver resolver;
    private final InstantSource clock;
    private final AgentCheck check;

    HeartbeatRoutes(RegionResolver resolver, InstantSource clock, AgentCheck check) {
        this.resolver = resolver;
        this.clock = clock;
        this.check = check;
    }

    void register(RoutesConfig app) {
        app.post(AgentProtocol.HEARTBEATS, this::take);
    }

    private void take(Context ctx) {
        check.check(ctx);
        Heartbeat report = Json.read(ctx.bodyAsBytes(), Heartbeat.class);
        RegionRuntime region = report.region() == null ? null : resolver.all().get(report.region());
        if (region == null) {
            throw new InvalidRequestException(AgentProtocol.UNKNOWN_REGION, "region", "unknown region '" + report.region() + "'");
        }
        if (report.agentId() == null || report.instances() == null) {
            throw new InvalidRequestException(AgentProtocol.INVALID_FIELD, report.agentId() == null ? "agentId" : "instances",
                    "agentId and instances are required");
        }
        if (!region.provider().admits(report.agentId())) {
            ErrorResponses.write(ctx, 403, AgentProtocol.UNKNOWN_AGENT, "agent '" + report.agentId()
                    + "' was not started or admitted by this gateway", "agentId");
            return;
        }
        Instant at = at(report.at());
        Instant now = clock.instant();
        int refused = 0;
        for (InstanceStatus e : report.instances()) {
            if (e.instanceId() == null) {
                throw new InvalidRequestException(AgentProtocol.INVALID_FIELD, "instances[].instanceId", "instanceId is required");
            }
            boolean alive = e.alive() == null || e.alive();
            if (!region.shard().offer(new HeartbeatReport(e.instanceId(), report.agentId(), alive, at, now))) {
                refused++;
            }
        }
        if (refused > 0) {
            ctx.header("Retry-After", "1");
            ErrorResponses.write(ctx, 503, AgentProtocol.QUEUE_FULL, region.name() + " - heartbeat queue is full; "
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
            throw new InvalidRequestException(AgentProtocol.INVALID_FIELD, "at", "at must be an ISO-8601 instant (got '" + text + "')");
        }
    }
}
