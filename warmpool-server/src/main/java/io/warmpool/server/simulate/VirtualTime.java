package io.warmpool.server.simulate;

import java.time.Instant;
import java.time.InstantSource;

/**
 * The simulator's clock: milliseconds since the trace's start, moved only by the event loop; also the nanosecond
 * ticker the pools read for acquire deadlines. Not thread-safe: confined to the simulator's thread.
 */
final class VirtualTime implements InstantSource {
    /** A fixed origin, so that runs repeat; the time-of-day profile sees the trace start at midnight UTC. */
    static final Instant ORIGIN = Instant.parse("2026-01-05T00:00:00Z");

    private long nowMs;

    long nowMs() {
        return nowMs;
    }

    void advanceTo(long ms) {
        if (ms < nowMs) {
            throw new IllegalStateException("virtual time cannot go back (now=" + nowMs + " ms, to=" + ms + " ms)");
        }
        nowMs = ms;
    }

    long nanos() {
        return nowMs * 1_000_000L;
    }

    @Override
    public Instant instant() {
        return ORIGIN.plusMillis(nowMs);
    }
}
