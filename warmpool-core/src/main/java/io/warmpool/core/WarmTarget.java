package io.warmpool.core;

/**
 * How many instances a pool keeps warm or starting, decided from its state: the one number the housekeeper asks for
 * before it starts or retires instances. The default is the fixed {@code minIdle}; an adaptive policy plugs in here.
 * Implementations are called from the region's housekeeping thread and from acquirers; thread-safe.
 */
@FunctionalInterface
public interface WarmTarget {

    /** Instances to keep warm or starting, not counting callers already waiting (those are added on top). */
    int target(PoolSettings settings, PoolState state);

    /** The fixed target: {@code minIdle}. */
    WarmTarget FIXED = (settings, state) -> settings.minIdle();
}
