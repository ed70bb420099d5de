package io.warmpool.core;

import io.warmpool.PoolCounts;

import java.time.Instant;

/**
 * What a pool looks like at one moment, as its housekeeper and warm target see it: the store's counts, the callers
 * waiting for an instance, and the time. Immutable.
 */
public record PoolState(PoolCounts counts, int waiting, Instant now) {
}
