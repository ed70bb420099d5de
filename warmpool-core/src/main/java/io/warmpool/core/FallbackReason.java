package io.warmpool.core;

/** Why an allocation landed in a backup region. */
public enum FallbackReason {
    /** The region had no warm instance and none could be ready within the pool's cold-start budget. */
    EXHAUSTED,
    /** The region's heartbeat queue lag was over its bound, so its state could not be trusted. */
    STALE,
    /** An operator drained the region's pool. */
    DRAINED
}
