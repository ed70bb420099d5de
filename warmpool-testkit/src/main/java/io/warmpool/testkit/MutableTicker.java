package io.warmpool.testkit;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A monotonic nanosecond ticker (the stand-in for {@link System#nanoTime()}) that tests move by hand.
 * {@link #getAsLong()} returns nanoseconds from an arbitrary origin; it never goes backwards. Thread-safe.
 */
public final class MutableTicker implements LongSupplier {

    private final AtomicLong nanos;

    public MutableTicker() {
        this(0L);
    }

    public MutableTicker(long startNanos) {
        this.nanos = new AtomicLong(startNanos);
    }

    /** The current reading in nanoseconds. */
    @Override
    public long getAsLong() {
        return nanos.get();
    }

    /** Same as {@link #getAsLong()}. */
    public long nanoTime() {
        return nanos.get();
    }

    /** Moves the ticker forward by {@code duration}; returns the new reading in nanoseconds. */
    public long advance(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration cannot be negative: " + duration);
        }
        return nanos.addAndGet(duration.toNanos());
    }

    @Override
    public String toString() {
        return "MutableTicker[" + nanos.get() + "ns]";
    }
}
