package io.warmpool.server.http;

import io.javalin.http.Context;

import io.warmpool.server.local.AgentReply;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One quick action's answer as the gateway relays it: status, content type, body and the headers it passes on
 * ({@code X-Warmpool-*}, {@code X-Browser-Ms-Used}, {@code Retry-After}). Immutable; the body is not copied.
 */
record QuickAnswer(int status, String contentType, byte[] body, Map<String, String> headers) {
    private static final String[] RELAYED = {io.warmpool.protocol.AgentProtocol.BROWSER_MS_HEADER,
            io.warmpool.protocol.AgentProtocol.BLOCKED_HEADER, io.warmpool.protocol.AgentProtocol.BLOCKED_URLS_HEADER,
            "Retry-After", "Server-Timing"};

    QuickAnswer {
        headers = Map.copyOf(headers);
    }

    /** An agent's answer for an action run on {@code region}/{@code instance}. */
    static QuickAnswer fromAgent(AgentReply answer, String region, String instance, String extraName,
                                 String extraValue) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("X-Warmpool-Region", region);
        h.put("X-Warmpool-Instance", instance);
        h.put("X-Browser-Ms-Used", "0");
        for (String name : RELAYED) {
            String v = answer.header(name);
            if (v != null) {
                h.put(name, v);
            }
        }
        h.put(extraName, extraValue);
        String type = answer.header("Content-Type");
        return new QuickAnswer(answer.status(), type == null ? "application/octet-stream" : type, answer.body(), h);
    }

    QuickAnswer withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new QuickAnswer(status, contentType, body, h);
    }

    QuickAnswer withStatus(int newStatus) {
        return new QuickAnswer(newStatus, contentType, body, headers);
    }

    boolean ok() {
        return status == 200;
    }

    void writeTo(Context ctx) {
        headers.forEach(ctx::header);
        ctx.status(status).contentType(contentType).result(body);
    }
}
