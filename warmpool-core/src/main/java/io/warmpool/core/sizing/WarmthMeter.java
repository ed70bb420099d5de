package io.warmpool.core.sizing;

import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What warmth costs one pool over the last hour, in one-minute buckets: idle instance-seconds (warm or starting,
 * integrated between observations), instances started, and acquires that found a warm instance or had to wait.
 * Times are passed in. Thread-safe.
 */
public final class WarmthMeter {
    private static final int MINUTES = 60;

    private final ReentrantLock lock = new ReentrantLock();
    private final long[] minute = new long[MINUTES]; // guarded by lock; the epoch minute each bucket holds
    private final double[] idleSeconds = new double[MINUTES]; // guarded by lock
    private final long[] hits = new long[MINUTES]; // guarded by lock
    private final long[] misses = new long[MINUTES]; // guarded by lock
    private Instant lastObserved; // guarded by lock
    private int lastIdle; // guarded by lock

    /** {@code idle} instances are warm or starting as of {@code now}; the previous count is charged until now. */
    public void observe(Instant now, int idle) {
        lock.lock();
        try {
            if (lastObserved != null && now.isAfter(lastObserved)) {
                double seconds = (now.toEpochMilli() - lastObserved.toEpochMilli()) / 1000.0;
                bucket(now);
                idleSeconds[index(now)] += lastIdle * seconds;
            }
            if (lastObserved == null || now.isAfter(lastObserved)) {
                lastObserved = now;
            }
            lastIdle = idle;
        } finally {
            lock.unlock();
        }
    }

    /** One acquire got an instance: warm at once, or after waiting. */
    public void acquired(Instant now, boolean warm) {
        lock.lock();
        try {
            bucket(now);
            (warm ? hits : misses)[index(now)]++;
        } finally {
            lock.unlock();
        }
    }

    /** Idle instance-seconds over the hour that ends at {@code now}. */
    public double idleInstanceSeconds(Instant now) {
        lock.lock();
        try {
            double sum = 0;
            for (int i = 0; i < MINUTES; i++) {
                sum += recent(i, now) ? idleSeconds[i] : 0;
            }
            return sum;
        } finally {
            lock.unlock();
        }
    }

    /** The share of acquires over the hour that ends at {@code now} that found a warm instance; NaN when none. */
    public double warmHitRate(Instant now) {
        lock.lock();
        try {
            long h = 0;
            long all = 0;
            for (int i = 0; i < MINUTES; i++) {
                if (recent(i, now)) {
                    h += hits[i];
                    all += hits[i] + misses[i];
                }
            }
            return all == 0 ? Double.NaN : (double) h / all;
        } finally {
            lock.unlock();
        }
    }

    private boolean recent(int i, Instant now) {
        long m = now.getEpochSecond() / 60;
        return minute[i] > m - MINUTES && minute[i] <= m;
    }

    private void bucket(Instant now) {
        long m = now.getEpochSecond() / 60;
        int i = index(now);
        if (minute[i] != m) {
            minute[i] = m;
            idleSeconds[i] = 0;
            hits[i] = 0;
            misses[i] = 0;
        }
    }

    private static int index(Instant now) {
        return (int) Math.floorMod(now.getEpochSecond() / 60, MINUTES);
    }
}
