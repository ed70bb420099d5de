package io.warmpool.core;

import io.warmpool.BrowserKind;
import io.warmpool.ConfigException;
import io.warmpool.core.sizing.SizingSettings;
import io.warmpool.quick.PageDefaults;

import java.time.Duration;
import java.util.Objects;

/**
 * The settings of one pool in one region. Immutable; build with {@link #builder(String)}; validated once in
 * {@link Builder#build()}, which names the field, the rule and the value of the first thing wrong.
 *
 * @param minIdle          warm instances kept ready (the warm target)
 * @param maxSize          instances that may exist at once (starting, warm, claimed, stopping)
 * @param acquireTimeout   how long an acquire waits for an instance before it fails with 503
 * @param maxUses          sessions or quick actions an instance serves before it is recycled
 * @param maxLifetime      age after which an idle instance is recycled (2.5% jitter applied per instance)
 * @param keepAlive        default idle timeout of a session
 * @param maxKeepAlive     the longest idle timeout a caller may ask for
 * @param staleAfter       an instance without a heartbeat for this long is LOST
 * @param startParallelism instances started at once per region and pool
 * @param startBackoffMax  cap of the exponential back-off after failed starts
 * @param candidates       how many best candidates a claim chooses randomly among
 * @param coldStartBudget  how long a caller may wait for a start in its own region before a backup region with a
 *                         warm instance serves it instead
 * @param shared           members are never claimed; requests are routed to them by tenant (rendezvous hashing)
 * @param keepaliveInterval how often each warm member of a shared pool is pinged to keep it warm
 * @param maxWaiting       callers that may wait for an instance at once; one more is refused at once (503)
 * @param browser          the browser binary its instances run (config {@code "browser": "headless-shell" | "chromium"})
 * @param sizing           how the warm target is set and when idle instances go (default {@code adaptive} never below {@code minIdle})
 * @param pageDefaults     what a quick action's page gets when its body is silent, and the bounds of its timeouts
 *                         (config {@code "pageDefaults"}; Cloudflare's by default)
 */
public record PoolSettings(String name, String version, int minIdle, int maxSize, Duration acquireTimeout,
                           int maxUses, Duration maxLifetime, Duration keepAlive, Duration maxKeepAlive,
                           Duration staleAfter, int startParallelism, Duration startBackoffMax, int candidates,
                           Duration coldStartBudget, boolean shared, Duration keepaliveInterval, int maxWaiting,
                           BrowserKind browser, SizingSettings sizing, PageDefaults pageDefaults) {

    /**
     * How far the housekeeper and acquirers count each state ({@code InstanceStore.counts(pool, atMost)}): past
     * {@code maxSize + maxWaiting} no count changes a decision (room is {@code maxSize - live}, a deficit at most the
     * target plus the callers waiting), so the count reads that many index entries at most, not the whole pool.
     */
    public int countBound() {
        return (int) Math.min(Integer.MAX_VALUE - 1L, (long) maxSize + maxWaiting + 1);
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public Builder toBuilder() {
        return toBuilder(name);
    }

    /** A builder with these settings under another pool name. */
    public Builder toBuilder(String newName) {
        return new Builder(newName).version(version).minIdle(minIdle).maxSize(maxSize).acquireTimeout(acquireTimeout)
                .maxUses(maxUses).maxLifetime(maxLifetime).keepAlive(keepAlive).maxKeepAlive(maxKeepAlive)
                .staleAfter(staleAfter).startParallelism(startParallelism).startBackoffMax(startBackoffMax)
                .candidates(candidates).coldStartBudget(coldStartBudget).shared(shared)
                .keepaliveInterval(keepaliveInterval).maxWaiting(maxWaiting).browser(browser).pageDefaults(pageDefaults)
                // the default follows minIdle, so that toBuilder().minIdle(n) still means the default at n
                .sizing(sizing.equals(SizingSettings.byDefault(minIdle)) ? null : sizing);
    }

    /** Builder with the defaults an operator would expect of a browser pool. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private String version = "1";
        private int minIdle = 2;
        private int maxSize = 8;
        private Duration acquireTimeout = Duration.ofSeconds(10);
        private int maxUses = 100;
        private Duration maxLifetime = Duration.ofMinutes(30);
        private Duration keepAlive = Duration.ofSeconds(60);
        private Duration maxKeepAlive = Duration.ofHours(1);
        private Duration staleAfter = Duration.ofSeconds(15);
        private int startParallelism = 4;
        private Duration startBackoffMax = Duration.ofSeconds(30);
        private int candidates = 5;
        private Duration coldStartBudget = Duration.ofSeconds(2);
        private boolean shared;
        private Duration keepaliveInterval = Duration.ofSeconds(30);
        private int maxWaiting = 64;
        private BrowserKind browser = BrowserKind.HEADLESS_SHELL;
        private SizingSettings sizing; // null: the default, adaptive never below minIdle
        private PageDefaults pageDefaults = PageDefaults.CLOUDFLARE;

        private Builder(String name) {
            this.name = name;
        }

        public Builder version(String v) { this.version = v; return this; }
        public Builder minIdle(int v) { this.minIdle = v; return this; }
        public Builder maxSize(int v) { this.maxSize = v; return this; }
        public Builder acquireTimeout(Duration v) { this.acquireTimeout = v; return this; }
        public Builder maxUses(int v) { this.maxUses = v; return this; }
        public Builder maxLifetime(Duration v) { this.maxLifetime = v; return this; }
        public Builder keepAlive(Duration v) { this.keepAlive = v; return this; }
        public Builder maxKeepAlive(Duration v) { this.maxKeepAlive = v; return this; }
        public Builder staleAfter(Duration v) { this.staleAfter = v; return this; }
        public Builder startParallelism(int v) { this.startParallelism = v; return this; }
        public Builder startBackoffMax(Duration v) { this.startBackoffMax = v; return this; }
        public Builder candidates(int v) { this.candidates = v; return this; }
        public Builder coldStartBudget(Duration v) { this.coldStartBudget = v; return this; }
        public Builder shared(boolean v) { this.shared = v; return this; }
        public Builder keepaliveInterval(Duration v) { this.keepaliveInterval = v; return this; }
        public Builder maxWaiting(int v) { this.maxWaiting = v; return this; }
        public Builder browser(BrowserKind v) { this.browser = v; return this; }
        public Builder sizing(SizingSettings v) { this.sizing = v; return this; }
        public Builder pageDefaults(PageDefaults v) { this.pageDefaults = v; return this; }

        public PoolSettings build() {
            if (name == null || !name.matches("[a-z][a-z0-9-]{0,62}")) {
                throw new ConfigException("pool name must match [a-z][a-z0-9-]{0,62} (name=" + name + ")");
            }
            Objects.requireNonNull(version, "version");
            if (browser == null) {
                throw new ConfigException(name + ".browser must be headless-shell or chromium (browser=null)");
            }
            atLeast("minIdle", minIdle, 0);
            atLeast("maxSize", maxSize, 1);
            if (minIdle > maxSize) {
                throw new ConfigException("minIdle must be <= maxSize (minIdle=" + minIdle + ", maxSize=" + maxSize + ")");
            }
            atLeast("maxUses", maxUses, 1);
            atLeast("startParallelism", startParallelism, 1);
            atLeast("candidates", candidates, 1);
            atLeast("maxWaiting", maxWaiting, 0);
            positive("acquireTimeout", acquireTimeout);
            positive("maxLifetime", maxLifetime);
            positive("keepAlive", keepAlive);
            positive("maxKeepAlive", maxKeepAlive);
            positive("staleAfter", staleAfter);
            positive("startBackoffMax", startBackoffMax);
            positive("keepaliveInterval", keepaliveInterval);
            if (coldStartBudget == null || coldStartBudget.isNegative()) {
                throw new ConfigException(name + ".coldStartBudget must be zero or positive (coldStartBudget="
                        + coldStartBudget + ")");
            }
            if (keepAlive.compareTo(maxKeepAlive) > 0) {
                throw new ConfigException("keepAlive must be <= maxKeepAlive (keepAlive=" + keepAlive
                        + ", maxKeepAlive=" + maxKeepAlive + ")");
            }
            if (pageDefaults == null) {
                throw new ConfigException(name + ".pageDefaults must be set (pageDefaults=null)");
            }
            SizingSettings sized = sizing == null ? SizingSettings.byDefault(minIdle) : sizing;
            if (sized.policy() != SizingSettings.Kind.ADAPTIVE && sized.n() > maxSize) {
                throw new ConfigException(name + ".sizing.policy N must be <= maxSize (policy=" + sized.describe()
                        + ", maxSize=" + maxSize + ")");
            }
            if (sized.minIdle() > maxSize) {
                throw new ConfigException(name + ".sizing.minIdle must be <= maxSize (minIdle=" + sized.minIdle()
                        + ", maxSize=" + maxSize + ")");
            }
            return new PoolSettings(name, version, minIdle, maxSize, acquireTimeout, maxUses, maxLifetime, keepAlive,
                    maxKeepAlive, staleAfter, startParallelism, startBackoffMax, candidates, coldStartBudget, shared,
                    keepaliveInterval, maxWaiting, browser, sized, pageDefaults.validated(name + ".pageDefaults"));
        }

        private void atLeast(String field, int value, int min) {
            if (value < min) {
                throw new ConfigException(name + "." + field + " must be >= " + min + " (" + field + "=" + value + ")");
            }
        }

        private void positive(String field, Duration value) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new ConfigException(name + "." + field + " must be a positive duration (" + field + "=" + value + ")");
            }
        }
    }
}
