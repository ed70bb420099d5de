package io.warmpool.core;

import io.warmpool.RateLimit;

import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * {@link RateCells} in this process's memory: the limits of one gateway (an embedded SQLite shard has one). Each
 * key's take is one atomic update of its cell. Thread-safe.
 */
public final class MemoryRateCells implements RateCells {
    private final ConcurrentMap<String, Long> tats = new ConcurrentHashMap<>();
    private final InstantSource clock;

    public MemoryRateCells(InstantSource clock) {
        this.clock = clock;
    }

    @Override
    public Duration take(String key, RateLimit limit) {
        long now = RateLimit.micros(clock.instant());
        long[] refusedAt = {-1};
        tats.compute(key, (k, tat) -> {
            long before = tat == null ? 0 : tat;
            long next = limit.afterTake(before, now);
            if (next < 0) {
                refusedAt[0] = before;
                return tat;
            }
            return next;
        });
        return refusedAt[0] < 0 ? Duration.ZERO : limit.allowance(refusedAt[0], now).untilNext();
    }

    @Override
    public RateLimit.Allowance peek(String key, RateLimit limit) {
        return limit.allowance(tats.getOrDefault(key, 0L), RateLimit.micros(clock.instant()));
    }
}
