package io.warmpool.agent.internal;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.websocket.WsConfig;
import io.warmpool.agent.relay.RelayConnection;
import io.warmpool.agent.relay.WebSocketRelay;
import io.warmpool.protocol.AgentProtocol;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The CDP endpoint of each of the agent's browsers, served to the gateway over the agent protocol: a WebSocket relay
 * at {@link AgentProtocol#devtools} and the browser's {@code /json/version} and {@code /json/list} at
 * {@link AgentProtocol#browserJson}. Every call is checked like the rest of the agent's API (protocol version, secret)
 * before any upgrade, so Chromium's own port never needs to be reachable from off the host. The relay's queue towards
 * the browser is bounded by {@link #MAX_QUEUED_MESSAGES} and {@link #MAX_QUEUED_BYTES}, or the smaller bounds the
 * gateway asks for ({@link AgentProtocol#RELAY_MAX_MESSAGES_HEADER}). A reset or stop of an instance closes its
 * relayed connections, so that no client of an earlier session outlives it. Thread-safe.
 */
final class CdpRelay {
    static final int MAX_QUEUED_MESSAGES = 1024;
    static final long MAX_QUEUED_BYTES = 64L << 20;
    private static final String ROUTE = "warmpool.relay.route";
    private static final String PATH = AgentProtocol.devtools("{id}", "<target>");

    private final InstanceRegistry registry;
    private final HttpClient http;
    private final WebSocketRelay<String> relay;

    CdpRelay(InstanceRegistry registry, HttpClient http, InstantSource clock) {
        this.registry = registry;
        this.http = http;
        this.relay = new WebSocketRelay<>(http, clock, message -> Optional.empty());
    }

    /** @param authorize throws when a call lacks the protocol version or the secret */
    void register(RoutesConfig routes, Consumer<Context> authorize) {
        routes.wsBeforeUpgrade(PATH, ctx -> {
            authorize.accept(ctx);
            ctx.attribute(ROUTE, route(ctx));
        });
        routes.ws(PATH, (WsConfig ws) -> relay.configure(ws, ctx -> ctx.attribute(ROUTE), new WebSocketRelay.Events<>() {
        }));
        routes.get(AgentProtocol.browserJson("{id}", "<what>"), this::browserJson);
        routes.put(AgentProtocol.browserJson("{id}", "<what>"), this::browserJson);
    }

    /** Closes every relayed connection to {@code instanceId}'s browser ({@link AgentProtocol#CLOSE_SESSION_ENDED}). */
    void closeInstance(String instanceId, String reason) {
        for (RelayConnection<String> c : relay.connections()) {
            if (c.attachment().equals(instanceId)) {
                c.closeClient(AgentProtocol.CLOSE_SESSION_ENDED, reason);
            }
        }
    }

    /** Closes every relayed connection (the agent is stopping). */
    void closeAll() {
        relay.closeAll(1001, "agent stopping");
    }

    private WebSocketRelay.Route<String> route(Context ctx) {
        String id = ctx.pathParam("id");
        String target = ctx.pathParam("target");
        if (!AgentProtocol.isDevtoolsTarget(target)) {
            throw new AgentException(AgentProtocol.INVALID_TARGET, 400,
                    "devtools target must be 'browser' or 'page/<id>' (got '" + target + "')");
        }
        String browserUrl = registry.require(id).cdpUrl();
        String url = target.equals("browser") ? browserUrl
                : browserUrl.substring(0, browserUrl.indexOf("/devtools/")) + "/devtools/" + target;
        int messages = (int) bound(ctx, AgentProtocol.RELAY_MAX_MESSAGES_HEADER, MAX_QUEUED_MESSAGES);
        long bytes = bound(ctx, AgentProtocol.RELAY_MAX_BYTES_HEADER, MAX_QUEUED_BYTES);
        return new WebSocketRelay.Route<>(url, Map.of(), id, id, messages, bytes);
    }

    /** The smaller of the header's value and {@code max}; a header that is not a positive integer is a 400. */
    private static long bound(Context ctx, String header, long max) {
        String value = ctx.header(header);
        if (value == null) {
            return max;
        }
        try {
            long asked = Long.parseLong(value.trim());
            if (asked >= 1) {
                return Math.min(asked, max);
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new AgentException(AgentProtocol.INVALID_FIELD, 400, header + " must be an integer >= 1 (got '" + value + "')");
    }

    /** One of the browser's own HTTP endpoints, its status and body passed back as they are. */
    private void browserJson(Context ctx) throws InterruptedException {
        String what = ctx.pathParam("what");
        if (!AgentProtocol.isBrowserJson(what)) {
            throw new AgentException(AgentProtocol.INVALID_TARGET, 400, "no browser endpoint /json/" + what);
        }
        URI ws = URI.create(registry.require(ctx.pathParam("id")).cdpUrl());
        String query = ctx.queryString() == null ? "" : "?" + ctx.queryString();
        URI url = URI.create("http://" + ws.getHost() + ":" + ws.getPort() + "/json/" + what + query);
        HttpResponse<byte[]> r;
        try {
            r = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                    .method(ctx.method().name(), HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (java.io.IOException e) {
            throw new AgentException("browser_failed", 502, "the browser did not answer /json/" + what + ": " + e);
        }
        ctx.status(r.statusCode()).contentType(r.headers().firstValue("Content-Type").orElse("application/json"))
                .result(r.body());
    }
}
