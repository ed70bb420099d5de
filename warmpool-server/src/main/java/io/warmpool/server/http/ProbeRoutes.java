package io.warmpool.server.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.warmpool.PoolCounts;
import io.warmpool.core.RegionPool;
import io.warmpool.server.RegionRuntime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * The probes orchestrators call without credentials: {@code GET /healthz} (the process answers) and
 * {@code GET /readyz} (every store answers, and every pool of every region has warm instances or can start them;
 * 503 with the reason per region when not). They tell nothing a caller could abuse. Stateless.
 */
final class ProbeRoutes {
    private static final java.time.Duration CAN_START_AT_ALL = java.time.Duration.ofDays(1);

    private final RegionResolver resolver;
    private final IntSupplier proxyConnections;

    ProbeRoutes(RegionResolver resolver, IntSupplier proxyConnections) {
        this.resolver = resolver;
        this.proxyConnections = proxyConnections;
    }

    void register(RoutesConfig app) {
        app.get("/healthz", ctx -> ctx.json(Map.of("ok", true, "regions", resolver.all().keySet(),
                "devtoolsConnections", proxyConnections.getAsInt())));
        app.get("/readyz", this::ready);
    }

    private void ready(Context ctx) {
        boolean ready = true;
        List<Map<String, Object>> regions = new ArrayList<>();
        for (RegionRuntime r : resolver.all().values()) {
            String reason = reasonNotReady(r);
            ready &= reason == null;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("region", r.name());
            m.put("ready", reason == null);
            if (reason != null) {
                m.put("reason", reason);
            }
            regions.add(m);
        }
        if (!ready) {
            ctx.status(503).header("Retry-After", "5");
        }
        ctx.json(Map.of("ready", ready, "regions", regions));
    }

    /** Why {@code region} cannot serve now, or null when it can. A drained pool is deliberate and does not count. */
    static String reasonNotReady(RegionRuntime region) {
        for (RegionPool p : region.pools().values()) {
            PoolCounts c;
            try {
                c = p.counts();
            } catch (RuntimeException e) {
                return "store unreachable: " + e.getMessage();
            }
            if (p.drains().region() || c.warm() > 0 || c.starting() > 0) {
                continue;
            }
            // readiness asks whether it can start at all (room, no back-off), not how fast this machine is today
            if (!p.canBeReadyWithin(CAN_START_AT_ALL)) {
                return p.settings().name() + " has no warm instance and cannot start one (" + c + ", maxSize="
                        + p.settings().maxSize() + ", starts failing or no room)";
            }
        }
        return null;
    }
}
