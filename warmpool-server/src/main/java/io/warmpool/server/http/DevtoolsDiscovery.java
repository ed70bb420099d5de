package io.warmpool.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.warmpool.ProviderException;
import io.warmpool.SessionNotFoundException;
import io.warmpool.server.local.AgentClient;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The browser's own HTTP endpoints for a session ({@code /json/version}, {@code /json/list}, ...), fetched from the
 * agent that runs its instance (never from the browser), with every debugger URL pointing at this gateway's proxy.
 * Stateless; thread-safe.
 */
final class DevtoolsDiscovery {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final DevtoolsTargets targets;
    private final AgentClient agents;
    private final SessionTokens tokens;

    DevtoolsDiscovery(DevtoolsTargets targets, AgentClient agents, SessionTokens tokens) {
        this.targets = targets;
        this.agents = agents;
        this.tokens = tokens;
    }

    private String publicUrl(Context ctx, String internal) {
        String external = Access.external(internal);
        return SessionRoutes.devtoolsUrl(ctx, external, tokens.token(Access.tenantOf(internal), external));
    }

    /** The browser's {@code /json/version}, with the debugger URL pointing at this proxy. */
    Map<String, Object> version(Context ctx, String internal) {
        JsonNode v = json(internal, "GET", "version");
        Map<String, Object> out = new LinkedHashMap<>();
        v.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
        out.put("webSocketDebuggerUrl", publicUrl(ctx, internal));
        return out;
    }

    /** The browser's {@code /json/list}: the session's page targets, each reachable through this proxy. */
    List<Map<String, Object>> list(Context ctx, String internal) {
        String url = publicUrl(ctx, internal);
        String base = url.substring(0, url.indexOf("/devtools/") + "/devtools".length());
        String query = url.substring(url.indexOf('?'));
        List<Map<String, Object>> out = new ArrayList<>();
        for (JsonNode target : json(internal, "GET", "list")) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (String key : List.of("description", "id", "title", "type", "url")) {
                m.put(key, target.path(key).asText());
            }
            m.put("webSocketDebuggerUrl", base + "/" + target.path("type").asText("page") + "/"
                    + target.path("id").asText() + query);
            out.add(m);
        }
        return out;
    }

    /** {@code /json/<what>} parsed; see {@link #send}. */
    JsonNode json(String internal, String method, String what) {
        try {
            return Json.MAPPER.readTree(send(internal, method, what));
        } catch (IOException e) {
            throw new ProviderException("the browser's /json/" + what + " is not JSON");
        }
    }

    /**
     * {@code method} ({@code GET} or {@code PUT}) the browser's {@code /json/<what>} (with its query string) through
     * the session's agent. The browser's 400 or 404 (an unknown target) is a 404 here.
     */
    byte[] send(String internal, String method, String what) {
        DevtoolsTargets.Target t = targets.target(internal, "browser");
        String url = t.browserJsonUrl(what);
        HttpResponse<byte[]> r = method.equals("PUT") ? agents.put(url, TIMEOUT) : agents.get(url, TIMEOUT);
        if (r.statusCode() == 404 || r.statusCode() == 400) {
            throw new SessionNotFoundException("target of /json/" + what);
        }
        if (r.statusCode() != 200) {
            throw new ProviderException(Access.external(internal) + " - the agent answered " + r.statusCode()
                    + " to /json/" + what);
        }
        return r.body();
    }
}
