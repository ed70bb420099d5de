package io.warmpool.server.config;

import io.warmpool.ConfigException;

import java.time.Duration;

/**
 * How agents report and how the gateway writes their reports.
 *
 * @param interval      how often an agent reports every instance
 * @param batchSize     reports per store transaction at most
 * @param flushAfter    a batch is written at the latest this long after its first report
 * @param retries       retries of a failed batch before it is dropped
 * @param queueCapacity reports a region's queue holds before agents are told to retry later
 */
public record HeartbeatSettings(Duration interval, int batchSize, Duration flushAfter, int retries, int queueCapacity) {
    public static final HeartbeatSettings DEFAULT =
            new HeartbeatSettings(Duration.ofSeconds(5), 100, Duration.ofSeconds(1), 1, 100_000);

    public HeartbeatSettings {
        if (interval == null || interval.isNegative() || interval.isZero()) {
            throw new ConfigException("heartbeat.interval must be a positive duration (interval=" + interval + ")");
        }
        if (flushAfter == null || flushAfter.isNegative() || flushAfter.isZero()) {
            throw new ConfigException("heartbeat.flushAfter must be a positive duration (flushAfter=" + flushAfter + ")");
        }
        if (batchSize < 1) {
            throw new ConfigException("heartbeat.batchSize must be >= 1 (batchSize=" + batchSize + ")");
        }
        if (retries < 0) {
            throw new ConfigException("heartbeat.retries must be >= 0 (retries=" + retries + ")");
        }
        if (queueCapacity < 1) {
            throw new ConfigException("heartbeat.queueCapacity must be >= 1 (queueCapacity=" + queueCapacity + ")");
        }
    }
}
