package io.warmpool.core.sizing;

import java.time.Duration;
import java.time.Instant;

/**
 * The two fixed policies that bound adaptive from both sides. {@code fixed:N} is today's {@code minIdle}: at least N
 * idle, and nothing idle is ever let go (few starts, much idle time). {@code exact:N}: N idle, an instance released
 * above N stops at once and any surplus goes on the next run (little idle time, about one start per acquire).
 * Stateless; thread-safe.
 */
final class ConstantSizing implements SizingPolicy {
    private final int n;
    private final boolean exact;

    ConstantSizing(int n, boolean exact) {
        this.n = n;
        this.exact = exact;
    }

    @Override
    public int target(Instant now, Duration window, Demand demand) {
        return n;
    }

    @Override
    public int surplus(Instant now, int idle, int target) {
        return exact ? Math.max(0, idle - target) : 0;
    }

    @Override
    public boolean stopsAboveTargetOnRelease() {
        return exact;
    }
}
