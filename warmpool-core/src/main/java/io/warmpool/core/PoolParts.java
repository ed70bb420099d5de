package io.warmpool.core;

import io.warmpool.spi.InstanceProvider;
import io.warmpool.spi.InstanceStore;
import io.warmpool.spi.PoolMetrics;

import java.time.InstantSource;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * What the pieces of one pool in one region share: where it runs, its settings, its store and provider, time, the
 * executor for slow work, who to wake when an instance turns warm, where to report events, and what is drained.
 * Immutable.
 *
 * @param ticker a nanosecond ticker ({@code System::nanoTime} in production) for durations and deadlines
 */
record PoolParts(String region, PoolSettings settings, InstanceStore store, InstanceProvider provider,
                 InstantSource clock, LongSupplier ticker, Executor executor, Runnable onWarm, PoolMetrics metrics,
                 Drains drains) {

    String pool() {
        return settings.name();
    }
}
