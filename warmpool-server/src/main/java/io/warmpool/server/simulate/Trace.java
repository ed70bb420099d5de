package io.warmpool.server.simulate;

import java.util.List;

/**
 * Acquires to replay, in time order: acquire {@code i} comes at {@code atMs[i]} (ms from the trace's start), holds
 * its instance for {@code durationMs[i]} and goes to pool {@code pools.get(pool[i])}. Arrays are shared, not
 * copied: treat as read-only.
 */
record Trace(long[] atMs, long[] durationMs, int[] pool, List<String> pools) {
    int size() {
        return atMs.length;
    }

    long endMs() {
        return atMs.length == 0 ? 0 : atMs[atMs.length - 1];
    }
}
