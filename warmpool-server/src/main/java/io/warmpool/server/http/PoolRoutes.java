package io.warmpool.server.http;

import io.javalin.config.RoutesConfig;
import io.warmpool.PoolCounts;
import io.warmpool.core.Allocator;
import io.warmpool.core.RegionPool;
import io.warmpool.server.RegionRuntime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code GET /v1/pools}, {@code GET /v1/regions}, and the probes. Stateless. */
final class PoolRoutes {
    private final RegionResolver resolver;
    private final Allocator allocator;
    private final java.util.function.IntSupplier proxyConnections;

    private final Access access;

    PoolRoutes(RegionResolver resolver, Allocator allocator, Access access,
               java.util.function.IntSupplier proxyConnections) {
        this.resolver = resolver;
        this.access = access;
        this.allocator = allocator;
        this.proxyConnections = proxyConnections;
    }

    void register(RoutesConfig app) {
        app.get("/v1/pools", ctx -> {
            access.reader(ctx);
            ctx.json(Map.of("success", true, "result", pools()));
        });
        app.get("/v1/regions", ctx -> {
            access.reader(ctx);
            ctx.json(Map.of("success", true, "result", regions()));
        });
        new ProbeRoutes(resolver, proxyConnections).register(app);
    }

    List<Map<String, Object>> pools() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (RegionRuntime r : resolver.all().values()) {
            long lag = r.heartbeatLag().toMillis();
            for (RegionPool p : r.pools().values()) {
                PoolCounts c = p.counts();
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("region", r.name());
                m.put("pool", p.settings().name());
                m.put("warm", c.warm());
                m.put("claimed", c.claimed());
                m.put("starting", c.starting());
                m.put("stopping", c.stopping());
                m.put("lost", c.lost());
                m.put("total", c.total());
                m.put("minIdle", p.settings().minIdle());
                io.warmpool.core.sizing.Warmth w = p.warmth();
                m.put("sizing", w.policy());
                m.put("target", w.target());
                m.put("idleInstanceSecondsLastHour", Math.round(w.idleInstanceSeconds() * 10) / 10.0);
                m.put("warmHitRateLastHour", Double.isNaN(w.warmHitRate()) ? null : w.warmHitRate());
                m.put("maxSize", p.settings().maxSize());
                m.put("waiting", p.waiting());
                m.put("warmHits", p.warmHits());
                m.put("coldHits", p.coldHits());
                m.put("exhausted", p.exhaustedCount());
                m.put("shared", p.settings().shared());
                m.put("drained", p.drains().region());
                io.warmpool.core.StartHealth health = p.startHealth();
                m.put("state", health.failing() ? "failing" : "ok");
                m.put("startFailures", health.consecutiveFailures());
                m.put("lastStartError", health.lastError());
                m.put("lastStartFailedAt", health.lastFailedAt() == null ? null : health.lastFailedAt().toString());
                m.put("nextStartAt", health.nextStartAt() == null ? null : health.nextStartAt().toString());
                if (p.settings().shared()) {
                    long hits = p.sharedWarmHits();
                    long misses = p.sharedWarmMisses();
                    m.put("sharedWarmHits", hits);
                    m.put("sharedWarmMisses", misses);
                    m.put("warmHitRate", hits + misses == 0 ? null : (double) hits / (hits + misses));
                    m.put("keepWarmPings", p.keepWarmPings());
                }
                m.put("heartbeatLagMs", lag);
                m.put("heartbeatQueue", r.shard().heartbeatQueueSize());
                m.put("heartbeatsWritten", r.shard().writer().reportsWritten());
                out.add(m);
            }
        }
        return out;
    }

    List<Map<String, Object>> regions() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (RegionRuntime r : resolver.all().values()) {
            Allocator.Region view = allocator.region(r.name());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("region", r.name());
            m.put("backups", r.config().backups());
            m.put("zones", r.config().zones());
            m.put("stale", view.health().isStale());
            m.put("timesStale", view.health().timesStale());
            m.put("heartbeatLagMs", r.heartbeatLag().toMillis());
            m.put("clusterHeartbeatLagMs", r.shard().clusterLag().toMillis()); // the worst of the live gateways'
            Map<String, Long> fb = new LinkedHashMap<>();
            allocator.fallbacks(r.name()).forEach((reason, n) -> fb.put(reason.name().toLowerCase(java.util.Locale.ROOT), n));
            m.put("fallbacks", fb);
            m.put("drained", r.pools().values().stream().anyMatch(p -> p.drains().region()));
            m.put("drainedAgents", r.pools().values().stream().flatMap(p -> p.drains().agents().stream())
                    .distinct().sorted().toList());
            out.add(m);
        }
        return out;
    }
}
