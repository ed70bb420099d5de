package io.warmpool.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.warmpool.Instance;
import io.warmpool.InvalidRequestException;
import io.warmpool.ProviderException;
import io.warmpool.SessionNotFoundException;
import io.warmpool.core.RegionPool;
import io.warmpool.RateLimit;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sessions the Cloudflare way, under each of {@link CloudflareRoutes#roots()}: {@code POST devtools/browser?keep_alive=}
 * opens one, the WebSocket {@code devtools/browser} acquires and connects in one step (the session ends with the
 * socket), {@code devtools/browser/{id}} connects to an open one, {@code DELETE devtools/browser/{id}} closes it,
 * Chromium's {@code json/*} endpoints answer for it, {@code devtools/session[/{id}]} list them and {@code limits}
 * tells the caller's headroom. Tokens are the tenant's API key ({@code Authorization: Bearer}, on the upgrade too)
 * or the session's signed {@code ?token=}. Stateless.
 */
final class CloudflareSessions {
    private static final String TARGET_ID = "[A-Za-z0-9]{1,64}";

    private final SessionRoutes sessions;
    private final DevtoolsProxy proxy;
    private final Access access;
    private final SessionTokens tokens;

    CloudflareSessions(SessionRoutes sessions, DevtoolsProxy proxy, Access access, SessionTokens tokens) {
        this.sessions = sessions;
        this.proxy = proxy;
        this.access = access;
        this.tokens = tokens;
    }

    void register(RoutesConfig app) {
        for (String root : CloudflareRoutes.roots()) {
            String browser = root + "/devtools/browser";
            app.post(browser, this::create);
            app.delete(browser + "/{id}", this::close);
            app.get(browser + "/{id}/json/version", ctx -> ctx.json(proxy.version(ctx)));
            app.get(browser + "/{id}/json/list", ctx -> ctx.json(proxy.list(ctx)));
            app.get(browser + "/{id}/json", ctx -> ctx.json(proxy.list(ctx)));
            app.get(browser + "/{id}/json/list/{target}", this::oneTarget);
            app.put(browser + "/{id}/json/new", this::newTarget);
            app.get(browser + "/{id}/json/activate/{target}", ctx -> message(ctx, "activate"));
            app.get(browser + "/{id}/json/close/{target}", ctx -> message(ctx, "close"));
            app.get(browser + "/{id}/json/protocol", ctx -> ctx.json(browser(ctx, "GET", "/json/protocol")));
            app.get(root + "/devtools/session", ctx -> ctx.json(sessions.sessionsOf(access.tenant(ctx)).stream()
                    .map(i -> view(ctx, i, root)).toList()));
            app.get(root + "/devtools/session/{id}", this::show);
            app.get(root + "/limits", this::limits);
            proxy.serveBrowserSocket(app, browser, ctx -> sessions.acquireNew(ctx, "ws-", pool -> keepAlive(ctx, pool)),
                    sessions::releaseInternal);
            proxy.serveBrowserSocket(app, browser + "/{id}", proxy::liveSession, null);
        }
    }

    private void create(Context ctx) {
        String internal = sessions.acquireNew(ctx, "cf-", pool -> keepAlive(ctx, pool));
        String id = Access.external(internal);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("sessionId", id);
        out.put("webSocketDebuggerUrl", socketUrl(ctx, ctx.path(), id, Access.tenantOf(internal)));
        ctx.json(out);
    }

    private void close(Context ctx) {
        if (!sessions.releaseOwn(ctx)) {
            throw new SessionNotFoundException(ctx.pathParam("id"));
        }
        ctx.json(Map.of("status", "closed"));
    }

    private void show(Context ctx) {
        String internal = Access.internal(access.tenant(ctx), ctx.pathParam("id"));
        Instance i = sessions.sessionsOf(access.tenant(ctx)).stream().filter(s -> s.sessionId().equals(internal))
                .findFirst().orElseThrow(() -> new SessionNotFoundException(ctx.pathParam("id")));
        String path = ctx.path();
        ctx.json(view(ctx, i, path.substring(0, path.indexOf("/devtools/session"))));
    }

    /** Puppeteer's {@code browser.limits()} shape for the calling tenant. */
    private void limits(Context ctx) {
        Access.Tenant tenant = access.tenant(ctx);
        List<Map<String, String>> active = new ArrayList<>();
        for (Instance i : sessions.sessionsOf(tenant)) {
            active.add(Map.of("id", Access.external(i.sessionId())));
        }
        RateLimit.Allowance allowance = access.sessionAllowance(tenant);
        long free = Math.max(0, tenant.limits().maxSessions() - active.size());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("activeSessions", active);
        out.put("maxConcurrentSessions", tenant.limits().maxSessions());
        out.put("allowedBrowserAcquisitions", Math.min(free, allowance.available()));
        out.put("timeUntilNextAllowedBrowserAcquisition", free == 0 ? 0 : (allowance.untilNext().toNanos() + 999_999) / 1_000_000);
        ctx.json(out);
    }

    private Map<String, Object> view(Context ctx, Instance i, String rootPath) {
        String id = Access.external(i.sessionId());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sessionId", id);
        if (i.claimedAt() != null) {
            m.put("startTime", i.claimedAt().toEpochMilli());
        }
        if (i.heartbeatAt() != null) {
            m.put("lastUpdated", i.heartbeatAt().toEpochMilli());
        }
        m.put("webSocketDebuggerUrl", socketUrl(ctx, rootPath + "/devtools/browser", id, Access.tenantOf(i.sessionId())));
        return m;
    }

    private String socketUrl(Context ctx, String browserPath, String id, String tenant) {
        String host = ctx.header("Host") == null ? "127.0.0.1" : ctx.header("Host");
        return "ws://" + host + browserPath + "/" + id + "?token=" + tokens.token(tenant, id);
    }

    private void newTarget(Context ctx) {
        String url = ctx.queryParam("url") == null ? "about:blank" : ctx.queryParam("url");
        JsonNode t = browser(ctx, "PUT", "/json/new?" + URLEncoder.encode(url, StandardCharsets.UTF_8));
        ctx.json(page(ctx, t));
    }

    private void oneTarget(Context ctx) {
        String target = targetId(ctx);
        for (Map<String, Object> t : targets(ctx)) {
            if (target.equals(t.get("id"))) {
                ctx.json(t);
                return;
            }
        }
        throw new SessionNotFoundException("target " + target);
    }

    private Map<String, Object> page(Context ctx, JsonNode t) {
        for (Map<String, Object> listed : targets(ctx)) {
            if (t.path("id").asText().equals(listed.get("id"))) {
                return listed;
            }
        }
        return Json.MAPPER.convertValue(t, Map.class);
    }

    private List<Map<String, Object>> targets(Context ctx) {
        try {
            return proxy.list(ctx);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new ProviderException(ctx.pathParam("id") + " - the browser's targets could not be listed: " + e);
        }
    }

    private void message(Context ctx, String verb) {
        String target = targetId(ctx);
        String text = new String(send(ctx, "GET", "/json/" + verb + "/" + target), StandardCharsets.UTF_8);
        ctx.json(Map.of("message", text.strip()));
    }

    private JsonNode browser(Context ctx, String method, String path) {
        return proxy.discovery().json(proxy.liveSession(ctx), method, path.substring("/json/".length()));
    }

    /** One of the browser's own HTTP endpoints for the session {@code {id}}, through its agent. */
    private byte[] send(Context ctx, String method, String path) {
        return proxy.discovery().send(proxy.liveSession(ctx), method, path.substring("/json/".length()));
    }

    private static String targetId(Context ctx) {
        String target = ctx.pathParam("target");
        if (!target.matches(TARGET_ID)) {
            throw new InvalidRequestException("invalid_field", "target", "target ids match " + TARGET_ID);
        }
        return target;
    }

    /** {@code ?keep_alive=} in milliseconds (Cloudflare's name), or the pool's keepAlive. */
    static Duration keepAlive(Context ctx, RegionPool pool) {
        String given = ctx.queryParam("keep_alive");
        if (given == null || given.isEmpty()) {
            return pool.settings().keepAlive();
        }
        long max = pool.settings().maxKeepAlive().toMillis();
        try {
            long ms = Long.parseLong(given.trim());
            if (ms >= 1 && ms <= max) {
                return Duration.ofMillis(ms);
            }
        } catch (NumberFormatException e) {
            // the error below names the field
        }
        throw new InvalidRequestException("invalid_field", "keep_alive", "keep_alive must be milliseconds between 1 and "
                + max + " (got '" + given + "')");
    }
}
