package io.warmpool.core.sizing;

import java.time.Duration;
import java.time.Instant;

/**
 * Decides how many idle instances one pool in one region keeps, and which surplus may go. The housekeeper asks it
 * on every run; {@link PoolSizing} feeds it. Implementations are called under the housekeeper's lock but must
 * tolerate calls from acquiring threads for {@link #stopsAboveTargetOnRelease()}.
 */
public interface SizingPolicy {

    /**
     * The warm target: instances that should be idle or starting now.
     *
     * @param window how long an instance taken now waits to be replaced: on average half the time between two
     *               housekeeping runs, plus the expected start time
     */
    int target(Instant now, Duration window, Demand demand);

    /**
     * How many idle instances may be stopped now, given {@code idle} warm or starting and the {@code target} just
     * computed. Never more than {@code idle - target}.
     */
    int surplus(Instant now, int idle, int target);

    /** Whether a released instance is stopped at once rather than kept when the pool already has its target idle. */
    boolean stopsAboveTargetOnRelease();

    /** The policy for {@code settings}. */
    static SizingPolicy of(SizingSettings settings) {
        return switch (settings.policy()) {
            case FIXED -> new ConstantSizing(settings.n(), false);
            case EXACT -> new ConstantSizing(settings.n(), true);
            case ADAPTIVE -> new AdaptiveSizing(settings);
        };
    }
}
