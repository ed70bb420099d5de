package io.warmpool.agent.internal;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One DevTools protocol event. {@code sessionId} is {@code null} for browser-level events. Immutable.
 */
public record CdpEvent(String method, JsonNode params, String sessionId) {
}
