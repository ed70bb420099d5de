package io.warmpool.core;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * A rate limit: up to {@code capacity} takes at once, refilled at {@code perSecond}. Time comes from an injected
 * nanosecond ticker. Thread-safe.
 */
public final class TokenBucket {
    private final double capacity;
    private final double perNano;
    private final LongSupplier ticker;
    private final ReentrantLock lock = new ReentrantLock();
    private double tokens; // guarded by lock
    private long last; // guarded by lock

    public TokenBucket(int capacity, double perSecond, LongSupplier ticker) {
        if (capacity < 1 || !(perSecond > 0)) {
            throw new IllegalArgumentException("capacity must be >= 1 and perSecond > 0 (capacity=" + capacity
                    + ", perSecond=" + perSecond + ")");
        }
        this.capacity = capacity;
        this.perNano = perSecond / 1e9;
        this.ticker = ticker;
        this.tokens = capacity;
        this.last = ticker.getAsLong();
    }

    /** Takes one token if there is one; otherwise answers how long until there will be, in nanoseconds. */
    public long tryTake() {
        lock.lock();
        try {
            long now = ticker.getAsLong();
            tokens = Math.min(capacity, tokens + (now - last) * perNano);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) / perNano);
        } finally {
            lock.unlock();
        }
    }

    /** What a caller could take now without taking it. */
    public record Peek(long available, long nanosUntilNext) {
    }

    /** Whole tokens available now, and nanoseconds until the next one when there is none. */
    public Peek peek() {
        lock.lock();
        try {
            long now = ticker.getAsLong();
            tokens = Math.min(capacity, tokens + (now - last) * perNano);
            last = now;
            return new Peek((long) Math.floor(tokens), tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / perNano));
        } finally {
            lock.unlock();
        }
    }
}
