package io.warmpool.server.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.warmpool.InstanceState;
import io.warmpool.InvalidRequestException;
import io.warmpool.server.metrics.GatewayMetrics;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The dashboard: {@code GET /} and its two static files (plain HTML, JS and CSS from the jar, no build step, no CDN),
 * which hold no data and need no key; and the data it polls, behind the same keys as the API (a tenant or a read-only
 * key): {@code GET /v1/ops/dashboard?after=SEQ} (regions, pools, the last minutes of acquires, events after SEQ) and
 * {@code GET /v1/ops/instances?q=&state=&offset=&limit=} (bounded, see {@link InstanceListing}). The page keeps the
 * key in the tab's sessionStorage and sends it as a Bearer header, never in a URL. Stateless.
 */
final class DashboardRoutes {
    private static final Map<String, String> FILES = Map.of(
            "/", "index.html", "/dashboard/app.js", "app.js", "/dashboard/app.css", "app.css");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8");
    /** Only our own files run; nothing is fetched from elsewhere. */
    private static final String CSP = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'";
    private static final int EVENTS_PER_POLL = 200;

    private final PoolRoutes pools;
    private final InstanceListing instances;
    private final Access access;
    private final GatewayMetrics metrics;
    private final InstantSource clock;
    private final Map<String, byte[]> files = new LinkedHashMap<>();

    DashboardRoutes(PoolRoutes pools, InstanceListing instances, Access access, GatewayMetrics metrics,
                    InstantSource clock) {
        this.pools = pools;
        this.instances = instances;
        this.access = access;
        this.metrics = metrics;
        this.clock = clock;
        FILES.forEach((path, file) -> files.put(path, resource(file)));
    }

    void register(RoutesConfig app) {
        files.forEach((path, bytes) -> app.get(path, ctx -> serve(ctx, path, bytes)));
        app.get("/v1/ops/dashboard", ctx -> {
            access.reader(ctx);
            long after = number(ctx, "after", 0, 0, Long.MAX_VALUE);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("now", clock.instant().toString());
            result.put("regions", pools.regions());
            result.put("pools", pools.pools());
            result.put("history", metrics.history().steps());
            result.put("events", metrics.events().after(after, EVENTS_PER_POLL));
            ctx.json(Map.of("success", true, "result", result));
        });
        app.get("/v1/ops/instances", ctx -> {
            access.reader(ctx);
            int offset = (int) number(ctx, "offset", 0, 0, Integer.MAX_VALUE);
            int limit = (int) number(ctx, "limit", InstanceListing.MAX_LIMIT, 1, InstanceListing.MAX_LIMIT);
            InstanceListing.Page page = instances.page(state(ctx), ctx.queryParam("q"), offset, limit, clock.instant());
            ctx.json(Map.of("success", true, "result", Map.of("total", page.total(), "offset", offset,
                    "instances", page.rows())));
        });
    }

    private static void serve(Context ctx, String path, byte[] bytes) {
        String ext = FILES.get(path).substring(FILES.get(path).lastIndexOf('.') + 1);
        ctx.header("Content-Security-Policy", CSP).header("X-Content-Type-Options", "nosniff")
                .header("Cache-Control", "no-cache").contentType(TYPES.get(ext)).result(bytes);
    }

    private static InstanceState state(Context ctx) {
        String raw = ctx.queryParam("state");
        if (raw == null) {
            return null;
        }
        for (InstanceState s : InstanceState.values()) {
            if (s.name().equalsIgnoreCase(raw)) {
                return s;
            }
        }
        throw new InvalidRequestException("invalid_field", "state", "state must be one of "
                + java.util.Arrays.toString(InstanceState.values()).toLowerCase(java.util.Locale.ROOT)
                + " (got '" + raw + "')");
    }

    private static long number(Context ctx, String name, long absent, long min, long max) {
        String raw = ctx.queryParam(name);
        if (raw == null) {
            return absent;
        }
        try {
            long v = Long.parseLong(raw);
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new InvalidRequestException("invalid_field", name, name + " must be a whole number from " + min + " to "
                + max + " (got '" + raw + "')");
    }

    private static byte[] resource(String file) {
        try (InputStream in = DashboardRoutes.class.getResourceAsStream("/io/warmpool/server/dashboard/" + file)) {
            if (in == null) {
                throw new IllegalStateException("dashboard file missing from the jar: " + file);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
