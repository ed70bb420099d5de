package io.warmpool.embedded;

import io.warmpool.spi.PoolMetrics;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** Counts failed starts on their way to the caller's metrics. Thread-safe. */
final class StartFailures implements PoolMetrics {
    private final PoolMetrics next;
    private final AtomicLong failed = new AtomicLong();

    StartFailures(PoolMetrics next) {
        this.next = next;
    }

    @Override
    public void acquired(String region, String pool, AcquireOutcome outcome, Duration took) {
        next.acquired(region, pool, outcome, took);
    }

    @Override
    public void fallback(String region, String backup, String reason) {
        next.fallback(region, backup, reason);
    }

    @Override
    public void started(String region, String pool, boolean ok, Duration took) {
        if (!ok) {
            failed.incrementAndGet();
        }
        next.started(region, pool, ok, took);
    }

    @Override
    public void heartbeatBatch(String region, Duration took) {
        next.heartbeatBatch(region, took);
    }

    long failed() {
        return failed.get();
    }
}
