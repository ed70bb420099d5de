package io.warmpool.agent.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Builds JavaScript source from Java values and reads the page's exceptions, without a JS stack. Stateless. */
final class Js {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Js() {
    }

    /** {@code value} as a JavaScript literal (JSON), {@code null} for null. */
    static String literal(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first line of a {@code Runtime.evaluate} exception. */
    static String describe(JsonNode exceptionDetails) {
        String d = exceptionDetails.path("exception").path("description").asText(exceptionDetails.path("text").asText());
        return d.lines().findFirst().orElse("");
    }

    /** Evaluates {@code expression} (returning by value, awaiting a promise) and fails with {@code field} on a throw. */
    static JsonNode evaluate(IsolatedPage page, String expression, String field, java.time.Duration timeout) {
        JsonNode r = page.call("Runtime.evaluate", java.util.Map.of("expression", expression, "awaitPromise", true,
                "returnByValue", true), timeout);
        if (r.has("exceptionDetails")) {
            throw new AgentException("invalid_field", 400, field + " failed in the page: " + describe(r.get("exceptionDetails")));
        }
        return r.path("result").path("value");
    }
}
