package io.warmpool.core;

import io.warmpool.HeartbeatReport;
import io.warmpool.spi.HeartbeatQueue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * An in-process heartbeat queue for one region. Bounded by {@code capacity}: when full, {@link #offer} refuses
 * the report and the sender is told to retry later. {@link #poll} hands out batches: it waits up to {@code wait}
 * for a first report, then keeps collecting until {@code max} reports or until {@code wait} has passed since the
 * first one (so a report waits at most one flush interval). Thread-safe.
 */
public final class BoundedHeartbeatQueue implements HeartbeatQueue {
    private final LinkedBlockingQueue<HeartbeatReport> queue;
    private final LongSupplier nanoTicker;
    private volatile Instant inFlightOldest;

    public BoundedHeartbeatQueue(int capacity, LongSupplier nanoTicker) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1 (capacity=" + capacity + ")");
        }
        this.queue = new LinkedBlockingQueue<>(capacity);
        this.nanoTicker = nanoTicker;
    }

    @Override
    public boolean offer(HeartbeatReport report) {
        return queue.offer(report);
    }

    @Override
    public List<HeartbeatReport> poll(int max, Duration wait) throws InterruptedException {
        List<HeartbeatReport> batch = new ArrayList<>(Math.min(max, 1024));
        HeartbeatReport first = queue.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
        if (first == null) {
            return batch;
        }
        markInFlight(first);
        batch.add(first);
        long deadline = nanoTicker.getAsLong() + wait.toNanos();
        while (batch.size() < max) {
            if (queue.drainTo(batch, max - batch.size()) > 0) {
                continue;
            }
            long left = deadline - nanoTicker.getAsLong();
            if (left <= 0) {
                break;
            }
            HeartbeatReport next = queue.poll(left, TimeUnit.NANOSECONDS);
            if (next == null) {
                break;
            }
            batch.add(next);
        }
        return batch;
    }

    private void markInFlight(HeartbeatReport first) {
        Instant current = inFlightOldest;
        if (current == null || first.receivedAt().isBefore(current)) {
            inFlightOldest = first.receivedAt();
        }
    }

    @Override
    public void acknowledge(List<HeartbeatReport> written) {
        inFlightOldest = null;
    }

    @Override
    public Duration lag(Instant now) {
        Instant oldest = inFlightOldest;
        HeartbeatReport head = queue.peek();
        if (head != null && (oldest == null || head.receivedAt().isBefore(oldest))) {
            oldest = head.receivedAt();
        }
        if (oldest == null || oldest.isAfter(now)) {
            return Duration.ZERO;
        }
        return Duration.between(oldest, now);
    }

    @Override
    public int size() {
        return queue.size();
    }
}
