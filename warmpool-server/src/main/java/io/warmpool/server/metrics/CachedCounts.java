package io.warmpool.server.metrics;

import io.warmpool.PoolCounts;

import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A pool's counts read from its store at most once per {@link #MAX_AGE}, so that a scrape (or the dashboard) costs
 * one counting query per pool however many gauges read it. Thread-safe.
 */
public final class CachedCounts implements Supplier<PoolCounts> {
    static final Duration MAX_AGE = Duration.ofMillis(500);

    private final Supplier<PoolCounts> source;
    private final LongSupplier ticker;
    private final ReentrantLock lock = new ReentrantLock();
    private PoolCounts last; // guarded by lock
    private long readAt; // guarded by lock

    /** @param ticker a nanosecond ticker ({@code System::nanoTime}) */
    public CachedCounts(Supplier<PoolCounts> source, LongSupplier ticker) {
        this.source = source;
        this.ticker = ticker;
    }

    @Override
    public PoolCounts get() {
        lock.lock();
        try {
            long now = ticker.getAsLong();
            if (last == null || now - readAt >= MAX_AGE.toNanos()) {
                last = source.get();
                readAt = now;
            }
            return last;
        } finally {
            lock.unlock();
        }
    }
}
