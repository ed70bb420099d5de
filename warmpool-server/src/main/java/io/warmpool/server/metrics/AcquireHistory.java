package io.warmpool.server.metrics;

import io.warmpool.spi.PoolMetrics.AcquireOutcome;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Acquires of the last {@link #SPAN} in {@link #STEP} buckets, all pools together: how many ended each way and their
 * latency percentiles (from power-of-two millisecond bins, so each is an upper bound within 2x), for the dashboard's
 * charts. Memory is fixed. Thread-safe.
 */
public final class AcquireHistory {
    static final Duration STEP = Duration.ofSeconds(10);
    static final Duration SPAN = Duration.ofMinutes(10);
    private static final int BUCKETS = (int) (SPAN.toSeconds() / STEP.toSeconds());
    private static final int BINS = 20; // <= 1 ms, <= 2 ms, ... <= 2^19 ms (about 9 minutes)

    /**
     * One step of the chart.
     *
     * @param at    the step's start, epoch milliseconds
     * @param p50Ms the median acquire time in milliseconds (upper bound of its bin), or -1 with no acquire
     */
    public record Step(long at, long warm, long cold, long fallback, long exhausted, long p50Ms, long p99Ms) {
    }

    private final InstantSource clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final long[] stepOf = new long[BUCKETS]; // guarded by lock: which step each slot holds
    private final long[][] outcomes = new long[BUCKETS][AcquireOutcome.values().length]; // guarded by lock
    private final long[][] bins = new long[BUCKETS][BINS]; // guarded by lock

    public AcquireHistory(InstantSource clock) {
        this.clock = clock;
        java.util.Arrays.fill(stepOf, -1);
    }

    public void record(AcquireOutcome outcome, Duration took) {
        long step = clock.millis() / STEP.toMillis();
        int slot = (int) (step % BUCKETS);
        int bin = Math.min(BINS - 1, 64 - Long.numberOfLeadingZeros(Math.max(0, took.toMillis() - 1)));
        lock.lock();
        try {
            if (stepOf[slot] != step) {
                stepOf[slot] = step;
                java.util.Arrays.fill(outcomes[slot], 0);
                java.util.Arrays.fill(bins[slot], 0);
            }
            outcomes[slot][outcome.ordinal()]++;
            bins[slot][bin]++;
        } finally {
            lock.unlock();
        }
    }

    /** Every step of the last {@link #SPAN}, oldest first, the current (partial) one last. */
    public List<Step> steps() {
        long now = clock.millis() / STEP.toMillis();
        List<Step> out = new ArrayList<>(BUCKETS);
        lock.lock();
        try {
            for (long step = now - BUCKETS + 1; step <= now; step++) {
                int slot = (int) (step % BUCKETS);
                boolean held = stepOf[slot] == step;
                long[] o = held ? outcomes[slot] : new long[AcquireOutcome.values().length];
                long[] b = held ? bins[slot] : new long[BINS];
                out.add(new Step(step * STEP.toMillis(), o[0], o[1], o[2], o[3], percentile(b, 0.50), percentile(b, 0.99)));
            }
        } finally {
            lock.unlock();
        }
        return out;
    }

    private static long percentile(long[] bins, double q) {
        long total = 0;
        for (long n : bins) {
            total += n;
        }
        if (total == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < bins.length; i++) {
            seen += bins[i];
            if (seen >= rank) {
                return 1L << i;
            }
        }
        return 1L << (bins.length - 1);
    }
}
