package io.warmpool;

import java.time.Duration;

/** No warm instance could be had within the acquire timeout; the message carries the pool's counts. */
public class PoolExhaustedException extends WarmPoolException {
    private final Duration retryAfter;

    public PoolExhaustedException(String message, Duration retryAfter) {
        super("pool_exhausted", message);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
