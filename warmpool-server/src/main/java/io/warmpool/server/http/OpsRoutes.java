package io.warmpool.server.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.warmpool.Instance;
import io.warmpool.InstanceState;
import io.warmpool.InvalidRequestException;
import io.warmpool.core.RegionPool;
import io.warmpool.server.RegionRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an operator asks of a running gateway: {@code GET /v1/ops/sessions} (every live session; readers),
 * {@code POST /v1/ops/drain} and {@code POST /v1/ops/undrain} with {@code {"region": R}} or {@code {"agent": ID}}
 * (operators). A drain stops handing out the drained instances, lets their sessions end or idle out, and stops them;
 * housekeeping does the stopping. Stateless (the drains live in the pools).
 */
final class OpsRoutes {
    private static final Logger log = LoggerFactory.getLogger(OpsRoutes.class);
    private static final String AGENT_ID = "[A-Za-z0-9._:-]{1,128}";
    /** Sessions listed per region, at most (a listing is for people; metrics count them all). */
    static final int MAX_LISTED = 10_000;

    /** The body of a drain or undrain: exactly one of the two. */
    record Target(String region, String agent) {
    }

    private final RegionResolver resolver;
    private final Access access;

    OpsRoutes(RegionResolver resolver, Access access) {
        this.resolver = resolver;
        this.access = access;
    }

    void register(RoutesConfig app) {
        app.get("/v1/ops/sessions", ctx -> {
            access.reader(ctx);
            ctx.json(Map.of("success", true, "result", sessions()));
        });
        app.post("/v1/ops/drain", ctx -> drain(ctx, true));
        app.post("/v1/ops/undrain", ctx -> drain(ctx, false));
    }

    private List<Map<String, Object>> sessions() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (RegionRuntime r : resolver.all().values()) {
            for (Instance i : r.shard().sessions("", MAX_LISTED)) {
                RegionPool p = r.pools().get(i.pool());
                if (p == null || i.state() != InstanceState.CLAIMED) {
                    continue;
                }
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("session", Access.external(i.sessionId()));
                m.put("tenant", Access.tenantOf(i.sessionId()));
                m.put("region", r.name());
                m.put("pool", p.settings().name());
                m.put("instance", i.id());
                m.put("agent", i.agentId());
                m.put("claimedAt", String.valueOf(i.claimedAt()));
                m.put("expiresAt", String.valueOf(i.sessionExpiresAt()));
                m.put("drained", p.drains().covers(i));
                out.add(m);
            }
        }
        return out;
    }

    private void drain(Context ctx, boolean drained) {
        access.operator(ctx);
        Target target = Json.read(ctx.bodyAsBytes(), Target.class);
        if ((target.region() == null) == (target.agent() == null)) {
            throw new InvalidRequestException("invalid_field", "region", "give exactly one of 'region' and 'agent'");
        }
        Map<String, Object> result = new LinkedHashMap<>();
        if (target.region() != null) {
            RegionRuntime r = resolver.all().get(target.region());
            if (r == null) {
                throw new InvalidRequestException("unknown_region", "region", "no region '" + target.region()
                        + "' (known: " + resolver.all().keySet() + ")");
            }
            r.pools().values().forEach(p -> p.drains().drainRegion(drained));
            result.put("region", r.name());
            result.put("liveInstances", live(r, null));
        } else {
            if (!target.agent().matches(AGENT_ID)) {
                throw new InvalidRequestException("invalid_field", "agent", "agent must match " + AGENT_ID);
            }
            long live = 0;
            boolean known = false;
            for (RegionRuntime r : resolver.all().values()) {
                long here = live(r, target.agent());
                boolean wasDrained = r.pools().values().stream().anyMatch(p -> p.drains().agents().contains(target.agent()));
                if (here > 0 || wasDrained) {
                    known = true;
                    r.pools().values().forEach(p -> p.drains().drainAgent(target.agent(), drained));
                    live += here;
                }
            }
            if (!known) {
                throw new InvalidRequestException("unknown_agent", "agent", "no instance belongs to agent '"
                        + target.agent() + "'");
            }
            result.put("agent", target.agent());
            result.put("liveInstances", live);
        }
        result.put("drained", drained);
        log.info("{} {} by operator request", drained ? "draining" : "undraining",
                target.region() != null ? "region " + target.region() : "agent " + target.agent());
        // stop what is idle now rather than at the next housekeeping run
        resolver.all().values().forEach(r -> r.pools().values().forEach(p -> p.housekeep()));
        ctx.json(Map.of("success", true, "result", result));
    }

    private static long live(RegionRuntime r, String agent) {
        return r.shard().snapshot(null).stream()
                .filter(i -> i.state() != InstanceState.GONE)
                .filter(i -> agent == null || agent.equals(i.agentId())).count();
    }
}
