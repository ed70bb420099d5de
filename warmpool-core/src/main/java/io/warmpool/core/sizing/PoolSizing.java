package io.warmpool.core.sizing;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The sizing of one pool in one region: its {@link SizingPolicy}, the {@link Demand} it learns from and the
 * {@link WarmthMeter} that shows what warmth costs. The pool reports claims and releases; the housekeeper asks for
 * the target and the surplus once per run. Thread-safe.
 */
public final class PoolSizing {
    private static final Duration FIRST_WINDOW = Duration.ofSeconds(1);

    private final SizingSettings settings;
    private final SizingPolicy policy;
    private final int maxSize;
    private final Demand demand = new Demand();
    private final WarmthMeter meter = new WarmthMeter();
    private final AtomicInteger target = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    private Instant lastRun; // guarded by lock
    private long runGapMillis; // guarded by lock; the last gap between two housekeeping runs

    public PoolSizing(SizingSettings settings, int maxSize) {
        this.settings = settings;
        this.policy = SizingPolicy.of(settings);
        this.maxSize = maxSize;
        this.target.set(Math.min(maxSize, policy.target(Instant.EPOCH, FIRST_WINDOW, demand)));
    }

    /** An acquire got an instance at {@code now}, warm at once or after waiting. */
    public void claimed(Instant now, boolean warm) {
        demand.arrival(now);
        meter.acquired(now, warm);
    }

    /** A session claimed at {@code claimedAt} ended at {@code now}. */
    public void released(Instant claimedAt, Instant now) {
        if (claimedAt != null) {
            demand.release(now, Duration.between(claimedAt, now));
        }
    }

    /**
     * One housekeeping run's question: how many should be idle or starting now (at most {@code maxSize}), given
     * {@code idle} warm or starting and starts that take {@code startMillis} (0 when not known yet).
     */
    public int target(Instant now, int idle, long startMillis) {
        Duration window;
        lock.lock();
        try {
            if (lastRun != null && now.isAfter(lastRun)) {
                runGapMillis = now.toEpochMilli() - lastRun.toEpochMilli();
            }
            lastRun = now;
            long gap = runGapMillis > 0 ? runGapMillis : FIRST_WINDOW.toMillis();
            // an instance taken between two runs is replaced at the next one, on average half a gap later
            window = Duration.ofMillis(gap / 2 + startMillis);
        } finally {
            lock.unlock();
        }
        meter.observe(now, idle);
        int t = Math.min(maxSize, policy.target(now, window, demand));
        target.set(t);
        return t;
    }

    /** How many of the {@code warm} idle instances may be stopped now, with {@code idle} warm or starting. */
    public int surplus(Instant now, int warm, int idle) {
        return Math.min(warm, policy.surplus(now, idle, target.get()));
    }

    /** Whether an instance released while {@code warm} others are idle should stop rather than stay. */
    public boolean stopOnRelease(int warm) {
        return policy.stopsAboveTargetOnRelease() && warm >= target.get();
    }

    /** Whether {@link #stopOnRelease(int)} can ever answer true (so the pool asks the store only then). */
    public boolean mayStopOnRelease() {
        return policy.stopsAboveTargetOnRelease();
    }

    /** The target of the last housekeeping run. */
    public int currentTarget() {
        return target.get();
    }

    public SizingSettings settings() {
        return settings;
    }

    public WarmthMeter meter() {
        return meter;
    }

    public Demand demand() {
        return demand;
    }
}
