package io.warmpool.core;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Whether a region's state can be trusted for allocation. A region whose heartbeat queue lag (the age of the oldest
 * report not yet written) exceeds {@code staleAfter} is stale: allocations go to its backup. It becomes fresh again
 * only after the lag has stayed at or under the bound for {@code holdFor}, so it does not flap. Running sessions are
 * not touched. Thread-safe; {@link #isStale()} is cheap enough to call on every acquire.
 */
public final class RegionHealth {
    private static final Logger log = LoggerFactory.getLogger(RegionHealth.class);

    private final String region;
    private final Supplier<Duration> lag;
    private final Duration staleAfter;
    private final Duration holdFor;
    private final InstantSource clock;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean stale; // guarded by lock
    private Instant underBoundSince; // guarded by lock
    private long entered; // guarded by lock

    public RegionHealth(String region, Supplier<Duration> lag, Duration staleAfter, Duration holdFor, InstantSource clock) {
        this.region = region;
        this.lag = lag;
        this.staleAfter = staleAfter;
        this.holdFor = holdFor;
        this.clock = clock;
    }

    /** Re-evaluates the region against its current lag and says whether allocations must avoid it. */
    public boolean isStale() {
        Duration current = lag.get();
        Instant now = clock.instant();
        lock.lock();
        try {
            boolean over = current.compareTo(staleAfter) > 0;
            if (!stale) {
                if (over) {
                    stale = true;
                    entered++;
                    underBoundSince = null;
                    log.atWarn().addKeyValue("region", region).addKeyValue("fallback", "entered")
                            .log("{} - entering fallback: heartbeat lag {} ms > staleAfter {} ms", region,
                            current.toMillis(), staleAfter.toMillis());
                }
                return stale;
            }
            if (over) {
                underBoundSince = null;
            } else if (underBoundSince == null) {
                underBoundSince = now;
            } else if (!now.isBefore(underBoundSince.plus(holdFor))) {
                stale = false;
                log.atInfo().addKeyValue("region", region).addKeyValue("fallback", "left")
                        .log("{} - leaving fallback: heartbeat lag {} ms has been under {} ms for {} s", region,
                        current.toMillis(), staleAfter.toMillis(), holdFor.toSeconds());
            }
            return stale;
        } finally {
            lock.unlock();
        }
    }

    /** How many times the region has entered fallback for stale state. */
    public long timesStale() {
        lock.lock();
        try {
            return entered;
        } finally {
            lock.unlock();
        }
    }

    public String region() {
        return region;
    }
}
