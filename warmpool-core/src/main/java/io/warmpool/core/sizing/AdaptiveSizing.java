package io.warmpool.core.sizing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;

/**
 * {@code adaptive}: keeps the idle buffer that serves {@code warmHitTarget} of the acquires expected before a start
 * asked for now could be warm, and lets a surplus go once it has lasted a cool-down.
 *
 * <p>The forecast: arrivals per second are those of the last minute, or of the last 5 s when these are higher by
 * more than chance, or (from the second day), when higher,
 * the peak one-minute rate of the same quarter hour (or the one starting within a minute) on earlier days, so a rise is followed within seconds and a
 * daily peak is met before it comes. An instance taken now is back after its holding time or replaced after the
 * start window, whichever is sooner, so the instances out at once are Poisson with mean
 * {@code rate * E[min(window, holdingTime)]} (the M/G/infinity count; the expectation comes from the histogram of
 * recent holding times), and older sessions coming back meanwhile add a Poisson count with the release rate in place
 * of the arrival rate. The target is the least buffer with which an acquire misses with probability at most
 * {@code 1 - warmHitTarget} ({@link IdleBuffer}). While the pool saw an acquire within {@code keepOneFor} it keeps at
 * least one, like a keep-alive window, and never fewer than {@code minIdle}.
 *
 * <p>Thread-safe for the housekeeper's use: called under its lock only.
 */
final class AdaptiveSizing implements SizingPolicy {
    /** How far ahead the time-of-day profile looks: a daily rise is met a minute early, at a minute's idle cost. */
    private static final Duration PROFILE_LEAD = Duration.ofMinutes(1);

    private static final int SHORT = 5;
    private static final int LONG = 60;

    private final SizingSettings settings;
    private final ArrayDeque<long[]> excess = new ArrayDeque<>(); // guarded by the housekeeper; {epochMilli, surplus}

    AdaptiveSizing(SizingSettings settings) {
        this.settings = settings;
    }

    @Override
    public int target(Instant now, Duration window, Demand demand) {
        double rate = Math.max(recent(demand.rate(now, SHORT), demand.rate(now, LONG), true),
                demand.profiled(now, PROFILE_LEAD));
        double windowMs = Math.max(1, window.toMillis());
        double exposed = demand.exposedMillis(windowMs);
        double exposedMs = exposed < 0 ? windowMs : Math.max(exposed, 1);
        // older sessions coming back refill the idle set meanwhile; the lower of the two recent release rates
        double backRate = recent(demand.releaseRate(now, SHORT), demand.releaseRate(now, LONG), false);
        int k = IdleBuffer.idleFor(rate * exposedMs / 1000.0, backRate * exposedMs / 1000.0,
                settings.warmHitTarget());
        Instant last = demand.lastArrival();
        if (last != null && !now.isAfter(last.plus(settings.keepOneFor()))) {
            k = Math.max(k, 1);
        }
        return Math.max(k, settings.minIdle());
    }

    /**
     * The last minute's rate, unless the last five seconds differ from it by more than chance would (two standard
     * deviations of a Poisson count) in the direction that needs more idle instances: then the last five seconds.
     */
    private static double recent(double shortRate, double longRate, boolean upward) {
        double expected = longRate * SHORT;
        double seen = shortRate * SHORT;
        double noise = 2 * Math.sqrt(Math.max(expected, 1));
        return (upward ? seen > expected + noise : seen < expected - noise) ? shortRate : longRate;
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
