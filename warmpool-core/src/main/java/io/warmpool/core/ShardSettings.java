package io.warmpool.core;

import io.warmpool.ConfigException;

import java.time.Duration;

/**
 * How a region's shard runs its heartbeat pipeline and housekeeping.
 *
 * @param queueCapacity        reports the heartbeat queue holds before senders are told to retry later
 * @param batchSize            reports per store transaction at most
 * @param flushAfter           a batch is written at the latest this long after its first report
 * @param retries              retries of a failed batch before its reports are held for later
 * @param housekeepingInterval the fixed delay between two housekeeping runs of each pool
 * @param refreshAfter         an instance's stored heartbeat younger than this is not rewritten for an "alive"
 *                             report (zero rewrites every report); see {@link HeartbeatBatchWriter}
 */
public record ShardSettings(int queueCapacity, int batchSize, Duration flushAfter, int retries,
                            Duration housekeepingInterval, Duration refreshAfter) {

    /** Every report written as it comes ({@code refreshAfter} zero). */
    public ShardSettings(int queueCapacity, int batchSize, Duration flushAfter, int retries,
                         Duration housekeepingInterval) {
        this(queueCapacity, batchSize, flushAfter, retries, housekeepingInterval, Duration.ZERO);
    }

    public ShardSettings {
        // the queue and the writer check their own figures; these are the ones the shard uses itself
        if (refreshAfter == null || refreshAfter.isNegative()) {
            throw new ConfigException("refreshAfter must be a duration >= 0 (refreshAfter=" + refreshAfter + ")");
        }
        if (housekeepingInterval == null || housekeepingInterval.isNegative() || housekeepingInterval.isZero()) {
            throw new ConfigException("housekeepingInterval must be a positive duration (housekeepingInterval="
                    + housekeepingInterval + ")");
        }
    }
}
