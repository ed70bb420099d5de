package io.warmpool.spi;

import io.warmpool.HeartbeatReport;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A region's queue of heartbeat reports between agents and the batch writer. Bounded; thread-safe.
 */
public interface HeartbeatQueue {

    /** Enqueues a report; returns false when the queue is full and the report was not taken. */
    boolean offer(HeartbeatReport report);

    /**
     * Takes up to {@code max} reports, waiting up to {@code wait} for the first one.
     *
     * @return the reports taken, possibly empty
     */
    List<HeartbeatReport> poll(int max, Duration wait) throws InterruptedException;

    /** Age of the oldest report taken in but not yet acknowledged as written; zero when none. */
    Duration lag(Instant now);

    /** Acknowledges that every report returned by earlier polls has been written (or dropped). */
    void acknowledge(List<HeartbeatReport> written);

    int size();
}
