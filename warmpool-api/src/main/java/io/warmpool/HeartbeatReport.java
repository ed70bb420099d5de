package io.warmpool;

import java.time.Instant;
import java.util.Objects;

/**
 * One agent's word about one instance at one moment. {@code alive=false} means the agent saw the
 * instance's process die.
 *
 * @param receivedAt when the gateway took the report in; the queue's lag is measured from it
 */
public record HeartbeatReport(String instanceId, String agentId, boolean alive, Instant at, Instant receivedAt) {
    public HeartbeatReport {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(receivedAt, "receivedAt");
    }
}
