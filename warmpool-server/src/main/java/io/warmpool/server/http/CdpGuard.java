package io.warmpool.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;
import java.util.Optional;

/**
 * What a session's CDP client may not ask of its browser: a browser context with a proxy of its own would route
 * around the agent's egress guard. Such a command is answered with a CDP error here and never reaches the browser.
 * Stateless.
 */
final class CdpGuard {
    private CdpGuard() {
    }

    /** The error reply for a refused command, or empty when the message may pass. */
    static Optional<String> refusal(String message) {
        if (!message.contains("createBrowserContext") || !message.contains("proxy")) {
            return Optional.empty(); // cheap test first: nearly every message passes untouched
        }
        JsonNode command;
        try {
            command = Json.MAPPER.readTree(message);
        } catch (Exception e) {
            return Optional.empty(); // not JSON: the browser will answer it
        }
        JsonNode params = command.path("params");
        if (!"Target.createBrowserContext".equals(command.path("method").asText())
                || !(params.has("proxyServer") || params.has("proxyBypassList"))) {
            return Optional.empty();
        }
        ObjectNode reply = Json.MAPPER.createObjectNode();
        reply.set("id", command.path("id"));
        if (command.has("sessionId")) {
            reply.set("sessionId", command.get("sessionId"));
        }
        reply.set("error", Json.MAPPER.valueToTree(Map.of("code", -32000, "message",
                "warmpool: a browser context may not set its own proxyServer or proxyBypassList")));
        return Optional.of(reply.toString());
    }
}
