package io.warmpool.core.sizing;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What one pool has seen: arrivals per second over the last ten minutes, a smoothed holding time, when the last
 * acquire came, and a time-of-day profile (the peak one-minute rate of each quarter hour of the day, from earlier
 * days). Times are passed in. Thread-safe: every method runs under one short lock.
 */
public final class Demand {
    static final int SECONDS = 600;
    static final long SLOT_SECONDS = 900;
    static final int SLOTS_PER_DAY = (int) (86_400 / SLOT_SECONDS);
    private static final double HOLD_WEIGHT = 0.02;

    private final ReentrantLock lock = new ReentrantLock();
    private final int[] perSecond = new int[SECONDS]; // guarded by lock; arrivals of second s at s % SECONDS
    private long newestSecond = Long.MIN_VALUE; // guarded by lock
    private double holdMillis = -1; // guarded by lock; EWMA, -1 before the first release
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

    /** A session that held its instance for {@code held}. */
    public void release(Duration held) {
        lock.lock();
        try {
            double ms = Math.max(0, held.toMillis());
            holdMillis = holdMillis < 0 ? ms : holdMillis + HOLD_WEIGHT * (ms - holdMillis);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Arrivals per second over the {@code seconds} whole seconds before {@code now}'s second (at most ten minutes),
     * together with what has come so far within {@code now}'s second.
     */
    public double rate(Instant now, int seconds) {
        lock.lock();
        try {
            long s = now.getEpochSecond();
            advanceTo(s);
            int n = Math.min(Math.max(seconds, 1), SECONDS);
            long sum = 0;
            for (int i = 0; i < n; i++) {
                sum += perSecond[(int) Math.floorMod(s - i, SECONDS)];
            }
            // the current second has only partly happened: count the time it has had, not a whole second
            double elapsed = (n - 1) + now.getNano() / 1e9;
            return elapsed <= 0 ? sum : sum / elapsed;
        } finally {
            lock.unlock();
        }
    }

    /** The smoothed holding time in ms, or -1 before the first release. */
    public double holdMillis() {
        lock.lock();
        try {
            return holdMillis;
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
     * and answers the rate the profile expects at {@code at}: the peak one-minute rate seen in the same quarter hour
     * of an earlier day, or 0 when there is no earlier day yet.
     */
    public double profiled(Instant now, Instant at) {
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
            int daySlot = (int) Math.floorMod(Math.floorDiv(at.getEpochSecond(), SLOT_SECONDS), SLOTS_PER_DAY);
            long today = Math.floorDiv(now.getEpochSecond(), 86_400L) + 1;
            return profileDay[daySlot] != 0 && profileDay[daySlot] < today ? profile[daySlot] : 0;
        } finally {
            lock.unlock();
        }
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
        }
        newestSecond = second;
    }
}
