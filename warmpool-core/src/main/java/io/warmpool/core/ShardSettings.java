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
 */
public record ShardSettings(int queueCapacity, int batchSize, Duration flushAfter, int retries,
                            Duration housekeepingInterval) {

    public ShardSettings {
        // the queue and the writer check their own figures; this is the one the shard uses itself
        if (housekeepingInterval == null || housekeepingInterval.isNegative() || housekeepingInterval.isZero()) {
            throw new ConfigException("housekeepingInterval must be a positive duration (housekeepingInterval="
                    + housekeepingInterval + ")");
        }
    }
}
