package io.warmpool.core;

import io.warmpool.spi.InstanceProvider;
import io.warmpool.spi.InstanceStore;

import java.time.InstantSource;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * What the pieces of one pool in one region share: where it runs, its settings, its store and provider, time, the
 * executor for slow work, and who to wake when an instance turns warm. Immutable.
 *
 * @param ticker a nanosecond ticker ({@code System::nanoTime} in production) for durations and deadlines
 */
record PoolParts(String region, PoolSettings settings, InstanceStore store, InstanceProvider provider,
                 InstantSource clock, LongSupplier ticker, Executor executor, Runnable onWarm) {

    String pool() {
        return settings.name();
    }
}
