package io.warmpool;

import java.time.Instant;
import java.util.Objects;

/**
 * One row of a region's store shard: an instance and, while it is claimed, the session holding it.
 * Immutable snapshot; times are wall-clock instants.
 *
 * @param uses            how many sessions or quick actions it has served
 * @param retireAt        when it is recycled (max lifetime with jitter)
 * @param sessionExpiresAt when an idle session on it expires; {@code null} when not claimed
 */
public record Instance(
        String id,
        String region,
        String pool,
        String zone,
        String agentId,
        String version,
        InstanceState state,
        String sessionId,
        String cdpUrl,
        String agentUrl,
        int uses,
        Instant startedAt,
        Instant heartbeatAt,
        Instant claimedAt,
        Instant sessionExpiresAt,
        long keepAliveMillis,
        Instant retireAt) {

    public Instance {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(state, "state");
    }

    /** A new instance about to be started. */
    public static Instance starting(String id, String region, String pool, String zone, String agentId,
                                    String version, Instant now, Instant retireAt) {
        return new Instance(id, region, pool, zone, agentId, version, InstanceState.STARTING, null, null, null,
                0, now, now, null, null, 0, retireAt);
    }
}
