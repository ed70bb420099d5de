package io.warmpool.core;

import io.warmpool.spi.InstanceStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.function.Supplier;

/**
 * One region's heartbeat queue lag as the cluster sees it: this gateway publishes its own queue's lag into the
 * region's shard (one row per gateway), and reads back the worst lag of the gateways that published within
 * {@link #LIVE_FOR}, so that the region is stale when any live gateway's queue is behind; the rows of a gateway that
 * died stop counting once they are that old. {@link #publish()} runs every {@link #EVERY} on the shard's own thread;
 * {@link #worst()} is a read of the last answer, cheap enough for every acquire. Thread-safe.
 */
public final class SharedLag {
    /** How often each gateway publishes its lag and reads the others'. */
    public static final Duration EVERY = Duration.ofSeconds(1);
    /** How long a published lag counts: several publishes, so that one slow round does not drop a live gateway. */
    public static final Duration LIVE_FOR = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(SharedLag.class);

    private final String region;
    private final InstanceStore store;
    private final String gateway;
    private final Supplier<Duration> local;
    private final InstantSource clock;
    private volatile Duration others = Duration.ZERO;
    private volatile long failures;

    /**
     * @param gateway this gateway's id, unique among those sharing the shard
     * @param local   this gateway's own queue lag for the region
     */
    public SharedLag(String region, InstanceStore store, String gateway, Supplier<Duration> local, InstantSource clock) {
        this.region = region;
        this.store = store;
        this.gateway = gateway;
        this.local = local;
        this.clock = clock;
    }

    /** Publishes this gateway's lag and reads the worst live one. Never throws: a failure is logged and counted. */
    public void publish() {
        Instant now = clock.instant();
        try {
            store.publishLag(gateway, local.get(), now);
            others = store.worstLag(now.minus(LIVE_FOR));
        } catch (RuntimeException e) {
            failures++;
            log.warn("{} - could not publish the heartbeat queue lag: {}", region, e.toString());
        }
    }

    /**
     * The region's lag: the larger of this gateway's own (read now) and the worst live gateway's at the last
     * {@link #publish()}.
     */
    public Duration worst() {
        Duration own = local.get();
        Duration cluster = others;
        return own.compareTo(cluster) >= 0 ? own : cluster;
    }

    /** How many publishes failed. */
    public long failures() {
        return failures;
    }
}
