package io.warmpool.server.local;

import java.util.Locale;
import java.util.Map;

/**
 * An agent's answer to one call: the status, the headers (names lower-cased; the first value of each) and the body.
 * Immutable; the body is not copied.
 */
public record AgentReply(int status, Map<String, String> headers, byte[] body) {
    public AgentReply {
        headers = Map.copyOf(headers);
    }

    /** The first value of header {@code name} (any case), or null. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }
}
