package io.warmpool.core;

import io.warmpool.Instance;
import io.warmpool.InstanceLostException;
import io.warmpool.InstanceState;
import io.warmpool.PoolCounts;
import io.warmpool.PoolExhaustedException;
import io.warmpool.core.sizing.PoolSizing;
import io.warmpool.core.sizing.Warmth;
import io.warmpool.spi.InstanceProvider;
import io.warmpool.spi.InstanceStore;
import io.warmpool.spi.PoolMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One pool in one region: hands out instances to sessions (atomically, through the store's claim; see {@link PoolClaims}), takes them
 * back (through {@link InstanceReturns}), and feeds its state to the {@link Housekeeper} that keeps it warm. Thread-safe; acquire blocks up to
 * {@code acquireTimeout} and is meant for virtual threads.
 */
public final class RegionPool {
    private static final Logger log = LoggerFactory.getLogger(RegionPool.class);
    private static final long MAX_WAIT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final String region;
    private final PoolSettings settings;
    private final InstanceStore store;
    private final InstantSource clock;
    private final LongSupplier ticker;
    private final WarmSignal signal = new WarmSignal();
    private final Drains drains = new Drains();
    private final InstanceStarter starter;
    private final PoolSizing sizing;
    private final InstanceReturns returns;
    private final PoolClaims claims;
    private final Housekeeper housekeeper;
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicLong warmHits = new AtomicLong();
    private final AtomicLong coldHits = new AtomicLong();
    private final AtomicLong exhausted = new AtomicLong();
    private final AtomicLong sharedHits = new AtomicLong();
    private final AtomicLong sharedMisses = new AtomicLong();

    /**
     * @param ticker   a nanosecond ticker ({@code System::nanoTime}) for acquire deadlines
     * @param executor runs starts, resets and stops (a virtual-thread executor in production)
     */
    public RegionPool(String region, PoolSettings settings, InstanceStore store, InstanceProvider provider,
                      InstantSource clock, LongSupplier ticker, Executor executor) {
        this(region, settings, store, provider, clock, ticker, executor, null);
    }

    /**
     * @param warmTarget decides how many instances are kept warm; null: the pool's sizing policy
     *                   ({@link PoolSettings#sizing()}, the fixed {@code minIdle} by default)
     */
    public RegionPool(String region, PoolSettings settings, InstanceStore store, InstanceProvider provider,
                      InstantSource clock, LongSupplier ticker, Executor executor, WarmTarget warmTarget) {
        this(region, settings, store, provider, clock, ticker, executor, warmTarget, PoolMetrics.NONE);
    }

    /** Like the other constructors, reporting starts to {@code metrics}. */
    public RegionPool(String region, PoolSettings settings, InstanceStore store, InstanceProvider provider,
                      InstantSource clock, LongSupplier ticker, Executor executor, WarmTarget warmTarget,
                      PoolMetrics metrics) {
        this(region, settings, store, store, provider, clock, ticker, executor, warmTarget, metrics);
    }

    /**
     * @param housekeeping the store as housekeeping and starts see it: in a region's shard, a view fenced by the
     *                     region's leader lease, so that only the leader starts, reaps, expires and recycles
     */
    RegionPool(String region, PoolSettings settings, InstanceStore store, InstanceStore housekeeping,
               InstanceProvider provider, InstantSource clock, LongSupplier ticker, Executor executor,
               WarmTarget warmTarget, PoolMetrics metrics) {
        this.region = region;
        this.settings = settings;
        this.store = store;
        this.clock = clock;
        this.ticker = ticker;
        PoolParts parts = new PoolParts(region, settings, store, provider, clock, ticker, executor, signal::signalAll,
                metrics, drains);
        PoolParts kept = new PoolParts(region, settings, housekeeping, provider, clock, ticker, executor,
                signal::signalAll, metrics, drains);
        this.sizing = new PoolSizing(settings.sizing(), settings.maxSize());
        this.starter = new InstanceStarter(kept); // only the leader starts: its inserts are fenced
        this.returns = new InstanceReturns(parts, sizing); // a caller's release is never fenced: any gateway serves it
        this.claims = new PoolClaims(settings, store, clock, executor, drains, returns);
        this.housekeeper = new Housekeeper(kept, starter,
                store == housekeeping ? returns : new InstanceReturns(kept, sizing),
                warmTarget != null ? warmTarget : (s, state) -> sizing.currentTarget(), sizing);
    }

    /**
     * Binds {@code sessionId} to an instance: the one it already holds (sticky), or a warm one claimed atomically,
     * waiting for a start when none is warm.
     *
     * @throws InstanceLostException  when the session's instance has died
     * @throws PoolExhaustedException when nothing could be had within {@code acquireTimeout}
     */
    public Lease acquire(String sessionId, Duration keepAlive) {
        return acquire(sessionId, keepAlive, List.of());
    }

    /** Like {@link #acquire(String, Duration)}, preferring instances in {@code zones} (nearest first). */
    public Lease acquire(String sessionId, Duration keepAlive, List<String> zones) {
        return acquire(sessionId, keepAlive, settings.acquireTimeout(), zones).orElseThrow(() -> {
            exhausted.incrementAndGet();
            return exhaustedError();
        });
    }

    /**
     * Like {@link #acquire(String, Duration)} but waits at most {@code wait} and answers empty instead of failing.
     *
     * @throws InstanceLostException when the session's instance has died
     */
    public Optional<Lease> acquire(String sessionId, Duration keepAlive, Duration wait, List<String> zones) {
        Optional<Lease> existing = claims.sticky(sessionId, keepAlive);
        if (existing.isPresent()) {
            return existing;
        }
        if (drains.region()) {
            return Optional.empty();
        }
        long deadline = ticker.getAsLong() + wait.toNanos();
        boolean first = true;
        if (waiting.incrementAndGet() > settings.maxWaiting()) {
            Optional<Instance> now = claims.claim(sessionId, keepAlive, zones);
            if (now.isEmpty()) {
                waiting.decrementAndGet();
                exhausted.incrementAndGet();
                PoolCounts c = store.counts(settings.name(), settings.countBound());
                throw new PoolExhaustedException(settings.name() + "/" + region + " - wait queue full ("
                        + settings.maxWaiting() + " callers already waiting; " + c + ")", Duration.ofSeconds(1));
            }
            waiting.decrementAndGet();
            warmHits.incrementAndGet();
            sizing.claimed(clock.instant(), true);
            return Optional.of(new Lease(now.get(), true, true, false));
        }
        try {
            while (true) {
                long seen = signal.generation();
                Optional<Instance> claimed = claims.claim(sessionId, keepAlive, zones);
                if (claimed.isPresent()) {
                    (first ? warmHits : coldHits).incrementAndGet();
                    sizing.claimed(clock.instant(), first);
                    log.debug("{}/{} - {} claimed {} (warm={})", settings.name(), region, sessionId,
                            claimed.get().id(), first);
                    return Optional.of(new Lease(claimed.get(), first, true, false));
                }
                Optional<Lease> raced = claims.sticky(sessionId, keepAlive);
                if (raced.isPresent()) {
                    return raced;
                }
                if (first) {
                    housekeeper.refill(waiting.get(), clock.instant());
                    first = false;
                }
                long left = deadline - ticker.getAsLong();
                if (left <= 0) {
                    return Optional.empty();
                }
                signal.awaitAfter(seen, Math.min(left, MAX_WAIT_SLICE_NANOS));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            waiting.decrementAndGet();
        }
    }

    /**
     * Whether a start in this region could serve a caller within {@code budget}: starts are not backing off, there
     * is room (or a start already under way that no one waits for), and starts have been taking no longer.
     */
    public boolean canBeReadyWithin(Duration budget) {
        if (starter.inBackoffUntil() != null || drains.region()) {
            return false;
        }
        PoolCounts c = store.counts(settings.name(), settings.countBound());
        boolean capacity = c.live() < settings.maxSize() || c.starting() > waiting.get();
        return capacity && starter.expectedStartMillis() <= budget.toMillis();
    }

    /** When starts may resume after failed ones (exponential back-off), or empty when they may go ahead now. */
    public Optional<Instant> startsBackingOffUntil() {
        return Optional.ofNullable(starter.inBackoffUntil());
    }

    /** Whether starts fail now (since the last success), with the last error and when they resume. */
    public StartHealth startHealth() {
        return starter.health();
    }

    /** Tries only the warm set, never waits; empty when nothing is warm right now. */
    public Optional<Lease> tryAcquireWarm(String sessionId, Duration keepAlive, List<String> zones) {
        Optional<Lease> existing = claims.sticky(sessionId, keepAlive);
        return existing.isPresent() ? existing : tryClaimWarm(sessionId, keepAlive, zones);
    }

    /**
     * Like {@link #tryAcquireWarm} for a session id bound to nothing (generated just now): no sticky lookup, one
     * claim statement on the warm path.
     */
    public Optional<Lease> tryClaimWarm(String sessionId, Duration keepAlive, List<String> zones) {
        if (drains.region()) {
            return Optional.empty();
        }
        Optional<Instance> claimed = claims.claim(sessionId, keepAlive, zones);
        claimed.ifPresent(i -> {
            warmHits.incrementAndGet();
            sizing.claimed(clock.instant(), true);
        });
        return claimed.map(i -> new Lease(i, true, true, false));
    }

    private PoolExhaustedException exhaustedError() {
        PoolCounts c = store.counts(settings.name(), settings.countBound());
        String message = settings.name() + "/" + region + " - no instance after " + settings.acquireTimeout().toMillis()
                + "ms (" + c + ", maxSize=" + settings.maxSize() + ", waiting=" + waiting.get() + ")";
        return new PoolExhaustedException(message, Duration.ofSeconds(1));
    }

    /**
     * Ends a session and returns its instance to the pool: reset then warm again, or recycled when it reached
     * {@code maxUses} or {@code maxLifetime}. {@code clean} means the session left nothing behind (a quick action
     * disposed its own context), so no reset is needed.
     *
     * @return false when no such session was live (releasing twice is not an error)
     */
    public boolean release(String sessionId, boolean clean) {
        return returns.release(sessionId, clean);
    }

    /**
     * Like {@link #release(String, boolean)} for the instance as this caller claimed it (a quick action's lease):
     * whether it is due for recycling is decided from the claimed row, so the release costs one statement rather than
     * a read and a statement. Only for an instance whose session no one else can have touched since the claim.
     */
    public boolean release(Instance claimed, boolean clean) {
        return returns.release(claimed, clean);
    }

    /** Runs one housekeeping pass with the pool's current state; the region's shard calls it on a fixed delay. */
    public Housekeeper.Run housekeep() {
        Instant now = clock.instant();
        return housekeeper.runOnce(new PoolState(store.counts(settings.name(), settings.countBound()), waiting.get(),
                now));
    }

    /** Keep-warm pings sent to this shared pool's members so far. */
    public long keepWarmPings() {
        return housekeeper.pings();
    }

    void sharedHit(boolean warm) {
        (warm ? sharedHits : sharedMisses).incrementAndGet();
    }

    /**
     * Waits up to {@code acquireTimeout} until {@code pick} finds a member, counting the caller as waiting so that
     * the pool starts one for it.
     */
    Optional<Instance> awaitMember(java.util.function.Supplier<Optional<Instance>> pick) {
        long deadline = ticker.getAsLong() + settings.acquireTimeout().toNanos();
        waiting.incrementAndGet();
        try {
            housekeeper.refill(waiting.get(), clock.instant());
            while (true) {
                long seen = signal.generation();
                Optional<Instance> found = pick.get();
                long left = deadline - ticker.getAsLong();
                if (found.isPresent() || left <= 0) {
                    return found;
                }
                signal.awaitAfter(seen, Math.min(left, MAX_WAIT_SLICE_NANOS));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            waiting.decrementAndGet();
        }
    }

    /** Requests to this shared pool that met a warm member at once, and those that had to wait. */
    public long sharedWarmHits() {
        return sharedHits.get();
    }

    public long sharedWarmMisses() {
        return sharedMisses.get();
    }

    public Optional<Instance> find(String sessionId) {
        return store.findBySession(sessionId);
    }

    /** This shared pool's warm, fresh members, by id (at most {@code maxSize}). */
    List<Instance> warmMembers() {
        Instant fresh = clock.instant().minus(settings.staleAfter());
        return store.warmMembers(settings.name(), settings.version(), fresh, settings.maxSize());
    }

    /** Whether instance {@code id} is still WARM. */
    boolean isWarm(String id) {
        return store.find(id).map(i -> i.state() == InstanceState.WARM).orElse(false);
    }

    /**
     * Counts one caller that waits outside {@link #acquire} (the simulator's virtual callers, which cannot block)
     * and asks for a start for it, as a blocked acquire would; {@link #leaveWaiting()} undoes it.
     */
    public void enterWaiting() {
        housekeeper.refill(waiting.incrementAndGet(), clock.instant());
    }

    public void leaveWaiting() {
        waiting.decrementAndGet();
    }

    /** This pool's sizing: its warm target, the demand it saw, what warmth cost over the last hour. */
    public PoolSizing sizing() {
        return sizing;
    }

    /** What warmth costs this pool now: its target, idle instance-seconds and warm-hit rate over the last hour. */
    public Warmth warmth() {
        Instant now = clock.instant();
        return new Warmth(sizing.settings().describe(), sizing.currentTarget(), sizing.meter().idleInstanceSeconds(now),
                sizing.meter().warmHitRate(now));
    }

    /** What is drained in this pool; see {@link Drains}. */
    public Drains drains() {
        return drains;
    }

    public PoolCounts counts() {
        return store.counts(settings.name());
    }

    public String region() {
        return region;
    }

    public PoolSettings settings() {
        return settings;
    }

    public int waiting() {
        return waiting.get();
    }

    public long warmHits() {
        return warmHits.get();
    }

    public long coldHits() {
        return coldHits.get();
    }

    public long exhaustedCount() {
        return exhausted.get();
    }
}
