package io.warmpool.core.sizing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;

/**
 * {@code adaptive}: keeps the idle buffer that serves {@code warmHitTarget} of the acquires expected before a start
 * asked for now could be warm, and lets a surplus go once it has lasted a cool-down.
 *
 * <p>The forecast: arrivals per second are the highest of the last 5 s, the last minute, and (from the second day)
 * the peak one-minute rate of the same quarter hour on earlier days, so a rise is followed within seconds and a
 * daily peak is met before it comes. An instance taken now is back after its holding time or replaced after the
 * start window, whichever is sooner, so the instances out at once are Poisson with mean
 * {@code rate * min(window, holdingTime)} (the M/G/infinity count, which does not depend on the holding time's
 * shape); the target is the least buffer that serves {@code warmHitTarget} of them ({@link PoissonBuffer}). While
 * the pool saw an acquire within {@code keepOneFor} it keeps at least one, like a keep-alive window, and never
 * fewer than {@code minIdle}.
 *
 * <p>Thread-safe for the housekeeper's use: called under its lock only.
 */
final class AdaptiveSizing implements SizingPolicy {
    private final SizingSettings settings;
    private final ArrayDeque<long[]> excess = new ArrayDeque<>(); // guarded by the housekeeper; {epochMilli, surplus}

    AdaptiveSizing(SizingSettings settings) {
        this.settings = settings;
    }

    @Override
    public int target(Instant now, Duration window, Demand demand) {
        double rate = Math.max(Math.max(demand.rate(now, 5), demand.rate(now, 60)),
                demand.profiled(now, now.plus(window)));
        double windowMs = Math.max(1, window.toMillis());
        double hold = demand.holdMillis();
        double exposedMs = hold < 0 ? windowMs : Math.min(windowMs, Math.max(hold, 1));
        int k = PoissonBuffer.idleFor(rate * exposedMs / 1000.0, settings.warmHitTarget());
        Instant last = demand.lastArrival();
        if (last != null && !now.isAfter(last.plus(settings.keepOneFor()))) {
            k = Math.max(k, 1);
        }
        return Math.max(k, settings.minIdle());
    }

    /** The least surplus of every run within the cool-down, once the runs seen span the whole cool-down. */
    @Override
    public int surplus(Instant now, int idle, int target) {
        long t = now.toEpochMilli();
        int over = Math.max(0, idle - target);
        excess.addLast(new long[] {t, over});
        long since = t - settings.coolDown().toMillis();
        // keep one run at or before the start of the cool-down, and every run since
        while (excess.size() > 1) {
            long[] first = excess.pollFirst();
            if (excess.peekFirst()[0] > since) {
                excess.addFirst(first);
                break;
            }
        }
        if (excess.peekFirst()[0] > since) {
            return 0;
        }
        long least = over;
        for (long[] e : excess) {
            least = Math.min(least, e[1]);
        }
        if (least > 0) {
            excess.clear();
            excess.addLast(new long[] {t, over - least});
        }
        return (int) least;
    }

    @Override
    public boolean stopsAboveTargetOnRelease() {
        return false;
    }
}
