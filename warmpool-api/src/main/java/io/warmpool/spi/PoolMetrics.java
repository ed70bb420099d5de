package io.warmpool.spi;

import java.time.Duration;

/**
 * Where the pool engine reports what happened, so that the engine stays free of any metrics library (as HikariCP's
 * {@code MetricsTrackerFactory} does). The gateway binds it to Micrometer; {@link #NONE} ignores everything.
 * Every label value passed here comes from a bounded set (region, pool, backup region, a named reason or result):
 * never an instance or session id. Implementations must be thread-safe and must not block or throw.
 */
public interface PoolMetrics {
    /** How an acquire ended, the {@code outcome} label of {@code warmpool_acquire_seconds}. */
    enum AcquireOutcome {
        /** a warm instance of the caller's region was ready at once */
        WARM,
        /** the caller waited for a start in its own region */
        COLD,
        /** a backup region served the caller */
        FALLBACK,
        /** nothing could be had in time */
        EXHAUSTED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Ignores every event. */
    PoolMetrics NONE = new PoolMetrics() {
    };

    /** An acquire for {@code pool}, asked of {@code region}, ended as {@code outcome} after {@code took}. */
    default void acquired(String region, String pool, AcquireOutcome outcome, Duration took) {
    }

    /** {@code region} sent a caller to {@code backup}; {@code reason} is {@code stale} or {@code exhausted}. */
    default void fallback(String region, String backup, String reason) {
    }

    /** A start of an instance of {@code pool} ended; {@code ok} false when it failed. */
    default void started(String region, String pool, boolean ok, Duration took) {
    }

    /**
     * Housekeeping of {@code pool} retired {@code count} LOST instances (heartbeats stopped, browser or agent died);
     * each is reported once, when it is cleaned up, whatever made it LOST.
     */
    default void lost(String region, String pool, int count) {
    }

    /** The heartbeat writer of {@code region} wrote a batch (one transaction, retries included) in {@code took}. */
    default void heartbeatBatch(String region, Duration took) {
    }
}
