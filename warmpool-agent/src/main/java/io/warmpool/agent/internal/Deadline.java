package io.warmpool.agent.internal;

import java.time.Duration;

/** A point on the monotonic clock ({@link System#nanoTime()}) by which something must finish. Immutable. */
record Deadline(long nanos) {

    static Deadline after(Duration timeout) {
        return new Deadline(System.nanoTime() + timeout.toNanos());
    }

    static Deadline afterMillis(long millis) {
        return after(Duration.ofMillis(millis));
    }

    /** Time left, never below one millisecond so that a call still gets a chance to fail by itself. */
    Duration remaining() {
        return Duration.ofNanos(Math.max(1_000_000, nanos - System.nanoTime()));
    }

    /** Time left, capped at {@code cap}. */
    Duration remaining(Duration cap) {
        Duration left = remaining();
        return left.compareTo(cap) < 0 ? left : cap;
    }

    boolean passed() {
        return System.nanoTime() - nanos >= 0;
    }

    /** The earlier of this deadline and {@code other}. */
    Deadline min(Deadline other) {
        return nanos - other.nanos <= 0 ? this : other;
    }
}
