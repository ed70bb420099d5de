package io.warmpool.core.sizing;

import io.warmpool.ConfigException;

import java.time.Duration;

/**
 * How one pool sizes its warm set. Immutable; parse a policy with {@link #parse(String, int)} and build with
 * {@link #builder()}; validated once in {@link Builder#build()}, which names the field, the rule and the value.
 *
 * @param policy        {@code fixed} keeps at least {@code n} idle and never lets one go (today's {@code minIdle});
 *                      {@code exact} keeps {@code n} idle and stops a released instance above {@code n} at once;
 *                      {@code adaptive} forecasts demand and follows it
 * @param n             the idle count of {@code fixed} and {@code exact}; unused by {@code adaptive}
 * @param warmHitTarget the share of acquires that should find a warm instance (adaptive), in (0, 1)
 * @param minIdle       idle instances adaptive never goes below
 * @param coolDown      how long idle instances must have stayed above target before the surplus may go (adaptive)
 * @param keepOneFor    adaptive keeps at least one idle instance while the pool saw an acquire this recently
 */
public record SizingSettings(Kind policy, int n, double warmHitTarget, int minIdle, Duration coolDown,
                             Duration keepOneFor) {

    /** The policies there are. */
    public enum Kind { FIXED, EXACT, ADAPTIVE }

    /**
     * A pool's sizing when its config names none: {@code adaptive} with its defaults, never fewer than the pool's
     * {@code minIdle} idle (adaptive costs a fraction of any single fixed size on the Azure Functions trace with one pool
     * per app: BENCHMARKS.md section 7).
     */
    public static SizingSettings byDefault(int minIdle) {
        return builder().policy(Kind.ADAPTIVE).minIdle(minIdle).build();
    }

    /** The behaviour before adaptive sizing: {@code minIdle} idle, extras kept. */
    public static SizingSettings fixed(int n) {
        return builder().policy(Kind.FIXED).n(n).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Parses {@code adaptive}, {@code fixed}, {@code fixed:N} or {@code exact:N} into a builder; a bare {@code fixed}
     * takes {@code defaultN} (the pool's {@code minIdle}).
     */
    public static Builder parse(String policy, int defaultN) {
        if (policy == null) {
            throw new ConfigException("sizing.policy must be adaptive, fixed, fixed:N or exact:N (policy=null)");
        }
        if (policy.equals("adaptive")) {
            return builder().policy(Kind.ADAPTIVE);
        }
        if (policy.equals("fixed")) {
            return builder().policy(Kind.FIXED).n(defaultN);
        }
        int colon = policy.indexOf(':');
        String kind = colon < 0 ? policy : policy.substring(0, colon);
        if (colon < 0 || !(kind.equals("fixed") || kind.equals("exact"))) {
            throw new ConfigException("sizing.policy must be adaptive, fixed, fixed:N or exact:N (policy=" + policy + ")");
        }
        int n;
        try {
            n = Integer.parseInt(policy.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ConfigException("sizing.policy N must be an integer (policy=" + policy + ")");
        }
        return builder().policy(kind.equals("fixed") ? Kind.FIXED : Kind.EXACT).n(n);
    }

    /** The policy as written in config and on the command line. */
    public String describe() {
        return policy == Kind.ADAPTIVE ? "adaptive" : policy.name().toLowerCase(java.util.Locale.ROOT) + ":" + n;
    }

    /** Builder with adaptive's defaults (see README, "Pool sizing", for why each is what it is). Not thread-safe. */
    public static final class Builder {
        private Kind policy = Kind.ADAPTIVE;
        private int n;
        private double warmHitTarget = 0.995;
        private int minIdle;
        private Duration coolDown = Duration.ofSeconds(2);
        private Duration keepOneFor = Duration.ofMinutes(10);

        private Builder() {
        }

        public Builder policy(Kind v) { this.policy = v; return this; }
        public Builder n(int v) { this.n = v; return this; }
        public Builder warmHitTarget(double v) { this.warmHitTarget = v; return this; }
        public Builder minIdle(int v) { this.minIdle = v; return this; }
        public Builder coolDown(Duration v) { this.coolDown = v; return this; }
        public Builder keepOneFor(Duration v) { this.keepOneFor = v; return this; }

        public SizingSettings build() {
            if (policy == null) {
                throw new ConfigException("sizing.policy must be adaptive, fixed, fixed:N or exact:N (policy=null)");
            }
            if (n < 0) {
                throw new ConfigException("sizing.policy N must be >= 0 (N=" + n + ")");
            }
            if (!(warmHitTarget > 0 && warmHitTarget < 1)) {
                throw new ConfigException("sizing.warmHitTarget must be > 0 and < 1 (warmHitTarget=" + warmHitTarget + ")");
            }
            if (minIdle < 0) {
                throw new ConfigException("sizing.minIdle must be >= 0 (minIdle=" + minIdle + ")");
            }
            if (coolDown == null || coolDown.isNegative()) {
                throw new ConfigException("sizing.coolDown must be zero or positive (coolDown=" + coolDown + ")");
            }
            if (keepOneFor == null || keepOneFor.isNegative()) {
                throw new ConfigException("sizing.keepOneFor must be zero or positive (keepOneFor=" + keepOneFor + ")");
            }
            return new SizingSettings(policy, n, warmHitTarget, minIdle, coolDown, keepOneFor);
        }
    }
}
