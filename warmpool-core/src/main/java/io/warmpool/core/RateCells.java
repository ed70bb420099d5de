package io.warmpool.core;

import io.warmpool.RateLimit;

import java.time.Duration;

/**
 * Rate limits by key (a tenant's {@code sessionsPerMinute}, say), each a token bucket kept as one theoretical arrival
 * time ({@link RateLimit}). {@link MemoryRateCells} keeps them in this process (one gateway); {@link RegionShard#rateCells()}
 * keeps them in a store shard, so that every gateway on it takes from the same buckets. Implementations are
 * thread-safe; time comes from their injected clock.
 */
public interface RateCells {

    /** Takes one from {@code key}'s bucket now: {@link Duration#ZERO} when taken, else how long until one passes. */
    Duration take(String key, RateLimit limit);

    /** What {@code key}'s bucket allows now, without taking. */
    RateLimit.Allowance peek(String key, RateLimit limit);
}
