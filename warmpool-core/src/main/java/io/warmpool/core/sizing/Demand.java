package io.warmpool.core.sizing;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What one pool has seen: arrivals per second over the last ten minutes, a histogram of recent holding times (powers
 * of two, in ms), when the last
 * acquire came, and a time-of-day profile (the peak one-minute rate of each quarter hour of the day, from earlier
 * days). Times are passed in. Thread-safe: every method runs under one short lock.
 */
public final class Demand {
    static final int SECONDS = 600;
    static final long SLOT_SECONDS = 900;
    static final int SLOTS_PER_DAY = (int) (86_400 / SLOT_SECONDS);
    private static final int HOLD_BUCKETS = 40;
    /** Each release weighs this much more than the one before: the histogram remembers about the last 500. */
    private static final double HOLD_GROWTH = 1 / (1 - 0.002);

    private final ReentrantLock lock = new ReentrantLock();
    private final int[] perSecond = new int[SECONDS]; // guarded by lock; arrivals of second s at s % SECONDS
    private final int[] releasesPerSecond = new int[SECONDS]; // guarded by lock; likewise for releases
    private long newestSecond = Long.MIN_VALUE; // guarded by lock
    private final double[] holds = new double[HOLD_BUCKETS]; // guarded by lock; weight of holds in [2^(b-1), 2^b) ms
    private double holdIncrement = 1; // guarded by lock
    private double holdTotal; // guarded by lock
    private Instant lastArrival; // guarded by lock
    private final double[] profile = new double[SLOTS_PER_DAY]; // guarded by lock; peak rate per slot, per second
    private final long[] profileDay = new long[SLOTS_PER_DAY]; // guarded by lock; epoch day it was written, 0 = never
    private long currentSlot = Long.MIN_VALUE; // guarded by lock; epoch slot being measured
    private double currentSlotPeak; // guarded by lock

    /** One acquire that got an instance, at {@code now}. */
    public void arrival(Instant now) {
        lock.lock();
        try {
            long s = now.getEpochSecond();
            advanceTo(s);
            if (s > newestSecond - SECONDS) {
                perSecond[(int) Math.floorMod(s, SECONDS)]++;
            }
            if (lastArrival == null || now.isAfter(lastArrival)) {
                lastArrival = now;
            }
        } finally {
            lock.unlock();
        }
    }

    /** A session that held its instance for {@code held} ended at {@code now}. */
    public void release(Instant now, Duration held) {
        lock.lock();
        try {
            long s = now.getEpochSecond();
            advanceTo(s);
            if (s > newestSecond - SECONDS) {
                releasesPerSecond[(int) Math.floorMod(s, SECONDS)]++;
            }
            long ms = Math.max(0, held.toMillis());
            int b = Math.min(HOLD_BUCKETS - 1, 64 - Long.numberOfLeadingZeros(ms));
            holds[b] += holdIncrement;
            holdTotal += holdIncrement;
            holdIncrement *= HOLD_GROWTH; // newer releases weigh more; rescaled long before it could overflow
            if (holdIncrement > 1e100) {
                for (int i = 0; i < HOLD_BUCKETS; i++) {
                    holds[i] /= 1e100;
                }
                holdTotal /= 1e100;
                holdIncrement /= 1e100;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Arrivals per second over the {@code seconds} whole seconds before {@code now}'s second (at most ten minutes),
     * together with what has come so far within {@code now}'s second.
     */
    public double rate(Instant now, int seconds) {
        return rate(perSecond, now, seconds);
    }

    /** Releases per second, counted like {@link #rate(Instant, int)}. */
    public double releaseRate(Instant now, int seconds) {
        return rate(releasesPerSecond, now, seconds);
    }

    private double rate(int[] counts, Instant now, int seconds) {
        lock.lock();
        try {
            long s = now.getEpochSecond();
            advanceTo(s);
            int n = Math.min(Math.max(seconds, 1), SECONDS);
            long sum = 0;
            for (int i = 0; i < n; i++) {
                sum += counts[(int) Math.floorMod(s - i, SECONDS)];
            }
            // the current second has only partly happened: count the time it has had, not a whole second
            double elapsed = (n - 1) + now.getNano() / 1e9;
            return elapsed <= 0 ? sum : sum / elapsed;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The expected {@code min(holdingTime, windowMs)} in ms over recent releases (newer ones weigh more), or -1
     * before the first release: how long an instance taken now stays out before it is back or replaced.
     */
    public double exposedMillis(double windowMs) {
        lock.lock();
        try {
            if (holdTotal <= 0) {
                return -1;
            }
            double sum = 0;
            for (int b = 0; b < HOLD_BUCKETS; b++) {
                // a bucket [2^(b-1), 2^b) ms stands for its middle
                double ms = b == 0 ? 0 : 0.75 * Math.scalb(1.0, b);
                sum += holds[b] * Math.min(ms, windowMs);
            }
            return sum / holdTotal;
        } finally {
            lock.unlock();
        }
    }

    /** When the last acquire came, or null if none yet. */
    public Instant lastArrival() {
        lock.lock();
        try {
            return lastArrival;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Records the one-minute rate at {@code now} into the time-of-day profile (called once per housekeeping run)
     * and answers the rate the profile expects between {@code now} and {@code now + lead}: the peak one-minute rate
     * seen in those quarter hours of earlier days, or 0 when there is no earlier day yet.
     */
    public double profiled(Instant now, Duration lead) {
        double minuteRate = rate(now, 60);
        lock.lock();
        try {
            long slot = Math.floorDiv(now.getEpochSecond(), SLOT_SECONDS);
            if (slot != currentSlot) {
                closeSlot();
                currentSlot = slot;
                currentSlotPeak = 0;
            }
            currentSlotPeak = Math.max(currentSlotPeak, minuteRate);
            long today = Math.floorDiv(now.getEpochSecond(), 86_400L) + 1;
            return Math.max(expected(now, today), expected(now.plus(lead), today));
        } finally {
            lock.unlock();
        }
    }

    private double expected(Instant at, long today) {
        int daySlot = (int) Math.floorMod(Math.floorDiv(at.getEpochSecond(), SLOT_SECONDS), SLOTS_PER_DAY);
        return profileDay[daySlot] != 0 && profileDay[daySlot] < today ? profile[daySlot] : 0;
    }

    private void closeSlot() {
        if (currentSlot == Long.MIN_VALUE) {
            return;
        }
        int daySlot = (int) Math.floorMod(currentSlot, SLOTS_PER_DAY);
        long day = Math.floorDiv(currentSlot * SLOT_SECONDS, 86_400L) + 1;
        // a day's peak counts half, so one odd day neither sets nor erases the pattern
        profile[daySlot] = profileDay[daySlot] == 0 ? currentSlotPeak : (profile[daySlot] + currentSlotPeak) / 2;
        profileDay[daySlot] = day;
    }

    private void advanceTo(long second) {
        if (newestSecond == Long.MIN_VALUE) {
            newestSecond = second;
            return;
        }
        if (second <= newestSecond) {
            return;
        }
        long gap = Math.min(second - newestSecond, SECONDS);
        for (long i = 1; i <= gap; i++) {
            perSecond[(int) Math.floorMod(newestSecond + i, SECONDS)] = 0;
            releasesPerSecond[(int) Math.floorMod(newestSecond + i, SECONDS)] = 0;
        }
        newestSecond = second;
    }
}
