package io.warmpool.testkit;

import io.warmpool.RateLimit;
import io.warmpool.spi.InstanceStore;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The in-memory store's rate cells and gateway lags, with the rules of {@code InstanceStore#takeRate} and
 * {@code InstanceStore#publishLag}. Not thread-safe: the store calls it under its lock.
 */
final class MemoryGatewayRows {
    private record Lag(Duration lag, Instant at) {
    }

    private final Map<String, Long> cells = new HashMap<>();
    private final Map<String, Lag> lags = new HashMap<>();

    Duration take(String key, RateLimit limit, Instant now) {
        long at = RateLimit.micros(now);
        long tat = cells.getOrDefault(key, 0L);
        long next = limit.afterTake(tat, at);
        if (next < 0) {
            return limit.allowance(tat, at).untilNext();
        }
        cells.put(key, next);
        return Duration.ZERO;
    }

    RateLimit.Allowance peek(String key, RateLimit limit, Instant now) {
        return limit.allowance(cells.getOrDefault(key, 0L), RateLimit.micros(now));
    }

    void publish(String gateway, Duration lag, Instant now) {
        lags.put(gateway, new Lag(lag, now));
        Instant forget = now.minus(InstanceStore.FORGET_LAGS_AFTER);
        lags.values().removeIf(l -> l.at().isBefore(forget));
    }

    Duration worst(Instant liveAfter) {
        return lags.values().stream().filter(l -> !l.at().isBefore(liveAfter)).map(Lag::lag)
                .max(Duration::compareTo).orElse(Duration.ZERO);
    }
}
