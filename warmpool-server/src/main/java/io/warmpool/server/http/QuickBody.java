package io.warmpool.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.warmpool.InvalidRequestException;
import io.warmpool.quick.QuickActionRequest;

import java.util.List;

/**
 * Reads a quick-action body as Cloudflare's clients send it: {@code goToOptions} is {@code gotoOptions},
 * {@code response_format} and {@code custom_ai} are the record's {@code responseFormat} and {@code customAi}, and a
 * {@code waitUntil} list waits for the event that comes last. Stateless.
 */
final class QuickBody {
    /** Lifecycle events from first to last. */
    private static final List<String> EVENT_ORDER = List.of("domcontentloaded", "load", "networkidle2", "networkidle0");

    private QuickBody() {
    }

    static QuickActionRequest read(byte[] body) {
        JsonNode tree = Json.read(body, JsonNode.class);
        if (!(tree instanceof ObjectNode o)) {
            throw new InvalidRequestException("malformed_json", null, "request body must be a JSON object");
        }
        return fromTree(o);
    }

    /** Reads a parsed body; {@code o} is changed (Cloudflare's spellings become the record's). */
    static QuickActionRequest fromTree(ObjectNode o) {
        rename(o, "goToOptions", "gotoOptions");
        rename(o, "response_format", "responseFormat");
        rename(o, "custom_ai", "customAi");
        if (o.get("gotoOptions") instanceof ObjectNode go && go.get("waitUntil") != null && go.get("waitUntil").isArray()) {
            go.put("waitUntil", last(go.get("waitUntil")));
        }
        return Json.convert(o, QuickActionRequest.class);
    }

    private static String last(JsonNode events) {
        int best = -1;
        for (JsonNode e : events) {
            int i = EVENT_ORDER.indexOf(e.asText());
            if (!e.isTextual() || i < 0) {
                throw new InvalidRequestException("invalid_field", "gotoOptions.waitUntil", "gotoOptions.waitUntil "
                        + "entries must be one of " + EVENT_ORDER + " (got " + e + ")");
            }
            best = Math.max(best, i);
        }
        if (best < 0) {
            throw new InvalidRequestException("invalid_field", "gotoOptions.waitUntil",
                    "gotoOptions.waitUntil must not be an empty list");
        }
        return EVENT_ORDER.get(best);
    }

    private static void rename(ObjectNode o, String from, String to) {
        if (!o.has(from)) {
            return;
        }
        if (o.has(to)) {
            throw new InvalidRequestException("invalid_field", from, "give either '" + from + "' or '" + to + "', not both");
        }
        o.set(to, o.remove(from));
    }
}
