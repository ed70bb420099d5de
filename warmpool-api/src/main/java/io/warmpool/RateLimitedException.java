package io.warmpool;

import java.time.Duration;

/** A tenant went over one of its limits; {@code limit} names which. */
public class RateLimitedException extends WarmPoolException {
    private final Duration retryAfter;
    private final String limit;

    public RateLimitedException(String limit, String message, Duration retryAfter) {
        super("rate_limited", message);
        this.limit = limit;
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    public String limit() {
        return limit;
    }
}
