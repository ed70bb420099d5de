package io.warmpool.core;

import io.warmpool.Instance;
import io.warmpool.PoolExhaustedException;
import io.warmpool.spi.PoolMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Function;

/**
 * Allocates across regions: a caller is served in its own region, or, when that region is stale or exhausted, by the
 * first region of its backup chain that can serve warm, and never past that chain. Session ids are sticky across
 * regions: a bound id goes back to its instance wherever it is. Thread-safe.
 */
public final class Allocator {
    private static final Logger log = LoggerFactory.getLogger(Allocator.class);

    /**
     * One region as the allocator sees it.
     *
     * @param sessions finds the instance bound to a session id in this region, in one indexed lookup
     */
    public record Region(String name, List<String> backups, Map<String, RegionPool> pools, RegionHealth health,
                         Function<String, Optional<Instance>> sessions) {
        public Region {
            backups = List.copyOf(backups);
            pools = Map.copyOf(pools);
        }

        /** A region whose pools share one store: any pool finds a session of any other. */
        public Region(String name, List<String> backups, Map<String, RegionPool> pools, RegionHealth health) {
            this(name, backups, pools, health, id -> pools.isEmpty() ? Optional.empty()
                    : pools.values().iterator().next().find(id));
        }

        /** The pool holding {@code sessionId} here, if any. */
        Optional<RegionPool> holder(String sessionId) {
            return sessions.apply(sessionId).map(i -> pools.get(i.pool()));
        }
    }

    /** Session ids known to this allocator are a hint to their region; past this many the hints start over. */
    private static final int MAX_HINTS = 100_000;

    private final Map<String, Region> regions;
    private final Map<String, Map<FallbackReason, LongAdder>> fallbacks = new ConcurrentHashMap<>();
    private final Map<String, String> regionOf = new ConcurrentHashMap<>(); // session id -> region, a hint

    private final PoolMetrics metrics;
    private final LongSupplier ticker;

    public Allocator(Map<String, Region> regions) {
        this(regions, PoolMetrics.NONE, System::nanoTime);
    }

    /** @param ticker a nanosecond ticker ({@code System::nanoTime}) that times acquires for {@code metrics} */
    public Allocator(Map<String, Region> regions, PoolMetrics metrics, LongSupplier ticker) {
        this.regions = Map.copyOf(regions);
        this.metrics = metrics;
        this.ticker = ticker;
    }

    /**
     * Binds {@code sessionId} to an instance of {@code pool}, preferring {@code region}, or the region the id names
     * ({@link SessionIds}) when it names a known one: an id is found where it says it is.
     *
     * @throws PoolExhaustedException when neither the region nor a warm backup could serve in time
     */
    public Lease acquire(String region, String pool, String sessionId, Duration keepAlive) {
        return acquire(region, pool, sessionId, keepAlive, List.of());
    }

    /** Like {@link #acquire(String, String, String, Duration)}, preferring the caller's nearest {@code zones}. */
    public Lease acquire(String region, String pool, String sessionId, Duration keepAlive, List<String> zones) {
        return acquire(region, pool, sessionId, keepAlive, zones, false);
    }

    /**
     * Like {@link #acquire(String, String, String, Duration, List)} for a session id generated just now and bound to
     * nothing yet (a quick action's): the warm path skips the sticky lookups (one indexed read per region of the
     * chain, and one more in the pool) and costs one claim statement.
     */
    public Lease acquireNew(String region, String pool, String sessionId, Duration keepAlive, List<String> zones) {
        return acquire(region, pool, sessionId, keepAlive, zones, true);
    }

    private Lease acquire(String region, String pool, String sessionId, Duration keepAlive, List<String> zones,
                          boolean fresh) {
        long t0 = ticker.getAsLong();
        Lease lease;
        try {
            lease = place(named(sessionId).map(Region::name).orElse(region), pool, sessionId, keepAlive, zones, fresh);
        } catch (PoolExhaustedException e) {
            metrics.acquired(region, pool, PoolMetrics.AcquireOutcome.EXHAUSTED, Duration.ofNanos(ticker.getAsLong() - t0));
            throw e;
        }
        PoolMetrics.AcquireOutcome outcome = lease.fallback() ? PoolMetrics.AcquireOutcome.FALLBACK
                : lease.warm() ? PoolMetrics.AcquireOutcome.WARM : PoolMetrics.AcquireOutcome.COLD;
        metrics.acquired(region, pool, outcome, Duration.ofNanos(ticker.getAsLong() - t0));
        if (SessionIds.region(sessionId).isEmpty()) { // an id naming its region needs no hint
            if (regionOf.size() >= MAX_HINTS) {
                regionOf.clear();
            }
            regionOf.put(sessionId, lease.instance().region());
        }
        return lease;
    }

    private Lease place(String region, String pool, String sessionId, Duration keepAlive, List<String> zones,
                        boolean fresh) {
        Optional<Lease> sticky = fresh ? Optional.empty() : sticky(region, pool, sessionId, keepAlive);
        if (sticky.isPresent()) {
            return sticky.get();
        }
        Region home = regions.get(region);
        RegionPool local = home.pools().get(pool);
        if (local.drains().region()) {
            Optional<Lease> backup = warmInBackups(home, pool, sessionId, keepAlive, FallbackReason.DRAINED);
            return backup.orElseGet(() -> local.acquire(sessionId, keepAlive, zones));
        }
        if (home.health().isStale()) {
            Optional<Lease> backup = warmInBackups(home, pool, sessionId, keepAlive, FallbackReason.STALE);
            if (backup.isPresent()) {
                return backup.get();
            }
            for (String b : home.backups()) {
                Region r = regions.get(b);
                if (r.pools().containsKey(pool) && !r.health().isStale()) {
                    count(region, b, FallbackReason.STALE);
                    return r.pools().get(pool).acquire(sessionId, keepAlive).asFallback();
                }
            }
            log.warn("{} - stale, and no healthy backup for {}; serving from its own state", region, pool);
            return local.acquire(sessionId, keepAlive, zones);
        }
        Optional<Lease> warm = fresh ? local.tryClaimWarm(sessionId, keepAlive, zones)
                : local.tryAcquireWarm(sessionId, keepAlive, zones);
        if (warm.isPresent()) {
            return warm.get();
        }
        Duration budget = local.settings().coldStartBudget();
        if (local.canBeReadyWithin(budget)) {
            Optional<Lease> started = local.acquire(sessionId, keepAlive, budget, zones);
            if (started.isPresent()) {
                return started.get();
            }
        }
        Optional<Lease> backup = warmInBackups(home, pool, sessionId, keepAlive, FallbackReason.EXHAUSTED);
        return backup.orElseGet(() -> local.acquire(sessionId, keepAlive, zones));
    }

    private Optional<Lease> sticky(String region, String pool, String sessionId, Duration keepAlive) {
        Optional<RegionPool> held = holder(sessionId);
        if (held.isEmpty()) {
            return Optional.empty();
        }
        Lease lease = held.get().acquire(sessionId, keepAlive);
        return Optional.of(held.get().region().equals(region) ? lease : lease.asFallback());
    }

    private Optional<Lease> warmInBackups(Region home, String pool, String sessionId, Duration keepAlive,
                                          FallbackReason reason) {
        for (String b : home.backups()) {
            Region r = regions.get(b);
            RegionPool p = r.pools().get(pool);
            if (p == null || r.health().isStale()) {
                continue;
            }
            Optional<Lease> lease = p.tryAcquireWarm(sessionId, keepAlive, List.of());
            if (lease.isPresent()) {
                count(home.name(), b, reason);
                log.debug("{}/{} - {} served by backup {} ({})", pool, home.name(), sessionId, b, reason);
                return Optional.of(lease.get().asFallback());
            }
        }
        return Optional.empty();
    }

    private void count(String region, String backup, FallbackReason reason) {
        metrics.fallback(region, backup, reason.name().toLowerCase(java.util.Locale.ROOT));
        fallbacks.computeIfAbsent(region, k -> {
            Map<FallbackReason, LongAdder> m = new EnumMap<>(FallbackReason.class);
            for (FallbackReason f : FallbackReason.values()) {
                m.put(f, new LongAdder());
            }
            return m;
        }).get(reason).increment();
    }

    /** Fallbacks out of {@code region} so far, by reason. */
    public Map<FallbackReason, Long> fallbacks(String region) {
        Map<FallbackReason, Long> out = new EnumMap<>(FallbackReason.class);
        for (FallbackReason f : FallbackReason.values()) {
            Map<FallbackReason, LongAdder> m = fallbacks.get(region);
            out.put(f, m == null ? 0L : m.get(f).sum());
        }
        return out;
    }

    /**
     * The region and pool currently holding {@code sessionId}, if any. An id that names its region ({@link SessionIds},
     * every id a gateway generates) is found by any gateway in one indexed lookup in that region, or in its backup
     * chain where a fallback placed it (allocation never goes past the chain). Any other id: one lookup in the region
     * this allocator placed it in, else one indexed lookup per region.
     */
    public Optional<RegionPool> holder(String sessionId) {
        Optional<Region> named = named(sessionId);
        if (named.isPresent()) {
            return inChain(named.get(), sessionId);
        }
        String hint = regionOf.get(sessionId);
        if (hint != null) {
            Optional<RegionPool> p = regions.get(hint).holder(sessionId);
            if (p.isPresent()) {
                return p;
            }
            regionOf.remove(sessionId, hint);
        }
        for (Region r : regions.values()) {
            if (r.name().equals(hint)) {
                continue;
            }
            Optional<RegionPool> p = r.holder(sessionId);
            if (p.isPresent()) {
                regionOf.put(sessionId, r.name());
                return p;
            }
        }
        return Optional.empty();
    }

    private Optional<Region> named(String sessionId) {
        return SessionIds.region(sessionId).map(regions::get);
    }

    private Optional<RegionPool> inChain(Region home, String sessionId) {
        Optional<RegionPool> p = home.holder(sessionId);
        for (int i = 0; p.isEmpty() && i < home.backups().size(); i++) {
            Region backup = regions.get(home.backups().get(i));
            p = backup == null ? Optional.empty() : backup.holder(sessionId);
        }
        return p;
    }

    public Optional<Instance> find(String sessionId) {
        return holder(sessionId).flatMap(p -> p.find(sessionId));
    }

    public Region region(String name) {
        return regions.get(name);
    }
}
