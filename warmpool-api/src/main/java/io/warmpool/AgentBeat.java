package io.warmpool;

import java.time.Instant;
import java.util.Objects;

/**
 * An agent's word that it was alive at {@code at}: the liveness of every instance it owns, written as one row per
 * agent instead of one per instance. An instance is fresh while its own heartbeat or its agent's beat is recent.
 */
public record AgentBeat(String agentId, Instant at) {
    public AgentBeat {
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(at, "at");
    }
}
