package io.warmpool.core;

import io.warmpool.Instance;
import io.warmpool.InstanceState;
import io.warmpool.LeaseLostException;
import io.warmpool.core.sizing.PoolSizing;
import io.warmpool.PoolCounts;
import io.warmpool.spi.InstanceProvider;
import io.warmpool.spi.InstanceStore;
import io.warmpool.spi.PoolMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps one pool in one region healthy. Each {@link #runOnce(PoolState)} marks instances without recent heartbeats
 * LOST and cleans them up, expires idle sessions, recycles instances past {@code maxLifetime}, pings a shared pool's
 * members, lets go the idle surplus its {@link PoolSizing sizing policy} allows, and starts instances until the warm target (plus any waiting acquirers) are warm or starting, within
 * {@code maxSize}. It takes the pool's state as input and reads the store only through targeted queries, at most
 * {@link #BATCH} rows per step and run. The region's shard calls it on a fixed delay; tests call it directly with a
 * mutable clock. Runs are serialized by a lock; every failure is caught, logged and counted.
 */
public final class Housekeeper {
    /** Rows one step of one run handles at most; the rest waits for the next run. */
    static final int BATCH = 1_000;

    private static final Logger log = LoggerFactory.getLogger(Housekeeper.class);

    private final String region;
    private final PoolSettings settings;
    private final Drains drains;
    private final InstanceStore store;
    private final InstanceProvider provider;
    private final Executor executor;
    private final InstanceStarter starter;
    private final InstanceReturns returns;
    private final WarmTarget warmTarget;
    private final PoolSizing sizing;
    private final PoolMetrics metrics;
    private final ReentrantLock lock = new ReentrantLock();
    /** Counting and launching starts is one step: two refills at once (a run and an acquire) never both fill one gap. */
    private final ReentrantLock refillLock = new ReentrantLock();
    private long failures; // guarded by lock
    private Instant lastPing = Instant.MIN; // guarded by lock
    private final AtomicLong pings = new AtomicLong();

    Housekeeper(PoolParts parts, InstanceStarter starter, InstanceReturns returns, WarmTarget warmTarget,
                PoolSizing sizing) {
        this.region = parts.region();
        this.settings = parts.settings();
        this.drains = parts.drains();
        this.store = parts.store();
        this.provider = parts.provider();
        this.executor = parts.executor();
        this.starter = starter;
        this.returns = returns;
        this.warmTarget = warmTarget;
        this.sizing = sizing;
        this.metrics = parts.metrics();
    }

    /** What one run did. */
    public record Run(int lost, int expired, int recycled, int started) {
    }

    public Run runOnce(PoolState state) {
        lock.lock();
        try {
            Instant now = state.now();
            int lost = reapLost(now);
            int expired = expireSessions(now);
            int recycled = recycle(now) + stopDrained();
            keepWarm(now);
            int retired = retireSurplus(now);
            int started = refill(state.waiting(), now);
            if (lost + expired + recycled + retired + started > 0) {
                log.debug("{}/{} - housekeeping: lost={} expired={} recycled={} retired={} started={}", settings.name(),
                        region, lost, expired, recycled, retired, started);
            }
            return new Run(lost, expired, recycled, started);
        } catch (LeaseLostException e) {
            log.info("{}/{} - housekeeping stopped: {}", settings.name(), region, e.getMessage());
            return new Run(0, 0, 0, 0);
        } catch (RuntimeException e) {
            failures++;
            log.warn("{}/{} - housekeeping failed ({} failures so far): {}", settings.name(), region, failures,
                    e.toString());
            return new Run(0, 0, 0, 0);
        } finally {
            lock.unlock();
        }
    }

    private int reapLost(Instant now) {
        List<Instance> newlyLost = store.markLost(settings.name(), now.minus(settings.staleAfter()));
        for (Instance i : newlyLost) {
            log.atWarn().addKeyValue("region", region).addKeyValue("pool", settings.name()).addKeyValue("instance", i.id())
                    .addKeyValue("session", i.sessionId()).addKeyValue("state", "LOST")
                    .log("{}/{} - {} is LOST (no heartbeat since {})", settings.name(), region, i.id(), i.heartbeatAt());
        }
        int cleaned = 0;
        for (Instance i : store.lost(settings.name(), BATCH)) {
            boolean sessionOver = i.sessionId() == null
                    || (i.sessionExpiresAt() != null && i.sessionExpiresAt().isBefore(now));
            if (sessionOver && returns.retire(i, InstanceState.LOST)) {
                cleaned++;
            }
        }
        if (cleaned > 0) {
            metrics.lost(region, settings.name(), cleaned);
        }
        return newlyLost.size() + cleaned;
    }

    private int expireSessions(Instant now) {
        int n = 0;
        for (Instance i : store.expiredSessions(settings.name(), now)) {
            if (returns.release(i.sessionId(), false)) {
                log.atInfo().addKeyValue("region", region).addKeyValue("pool", settings.name()).addKeyValue("instance", i.id())
                        .addKeyValue("session", i.sessionId())
                        .log("{}/{} - session {} on {} idled out", settings.name(), region, i.sessionId(), i.id());
                n++;
            }
        }
        return n;
    }

    private int recycle(Instant now) {
        int n = 0;
        for (Instance i : store.dueForRecycle(settings.name(), now, BATCH)) {
            if (returns.retire(i, InstanceState.WARM)) {
                log.atInfo().addKeyValue("region", region).addKeyValue("pool", settings.name()).addKeyValue("instance", i.id())
                        .addKeyValue("state", "STOPPING").log("{}/{} - recycling {} (uses={}, retireAt={})",
                                settings.name(), region, i.id(), i.uses(), i.retireAt());
                n++;
            }
        }
        return n;
    }

    /** Stops the warm instances an operator drained; their sessions' instances stop when released. */
    private int stopDrained() {
        if (!drains.region() && drains.agents().isEmpty()) {
            return 0;
        }
        int n = 0;
        for (Instance i : store.idle(settings.name(), settings.maxSize())) {
            if (drains.covers(i) && returns.retire(i, InstanceState.WARM)) {
                log.atInfo().addKeyValue("region", region).addKeyValue("pool", settings.name()).addKeyValue("instance", i.id())
                        .addKeyValue("agent", i.agentId()).addKeyValue("state", "STOPPING")
                        .log("{}/{} - stopping drained {} (agent {})", settings.name(), region, i.id(), i.agentId());
                n++;
            }
        }
        return n;
    }

    /** Pings every warm member of a shared pool once per {@code keepaliveInterval}; a silent one is LOST. */
    private void keepWarm(Instant now) {
        if (!settings.shared() || now.isBefore(lastPing.plus(settings.keepaliveInterval()))) {
            return;
        }
        lastPing = now;
        for (Instance i : store.idle(settings.name(), settings.maxSize())) {
            executor.execute(() -> {
                pings.incrementAndGet();
                boolean alive;
                try {
                    alive = provider.ping(i);
                } catch (RuntimeException e) {
                    alive = false;
                }
                if (!alive && store.transition(i.id(), InstanceState.WARM, InstanceState.LOST)) {
                    log.atWarn().addKeyValue("region", region).addKeyValue("pool", settings.name())
                            .addKeyValue("instance", i.id()).addKeyValue("state", "LOST")
                            .log("{}/{} - {} did not answer its keep-warm ping; LOST", settings.name(), region, i.id());
                }
            });
        }
    }

    /**
     * Asks the sizing policy for this run's warm target and stops the idle surplus it lets go (at most
     * {@link #BATCH} per run).
     */
    private int retireSurplus(Instant now) {
        PoolCounts c = store.counts(settings.name(), settings.countBound());
        int idle = c.warm() + c.starting();
        sizing.target(now, idle, starter.expectedStartMillis());
        int surplus = Math.min(BATCH, sizing.surplus(now, c.warm(), idle));
        int n = 0;
        if (surplus > 0) {
            for (Instance i : store.idle(settings.name(), surplus)) {
                if (returns.retire(i, InstanceState.WARM)) {
                    n++;
                }
            }
            log.debug("{}/{} - {} idle above target {} let go", settings.name(), region, n, sizing.currentTarget());
        }
        return n;
    }

    /** Keep-warm pings sent so far. */
    public long pings() {
        return pings.get();
    }

    /** Starts what is missing for the warm target plus {@code waiting} acquirers; callable from any thread. */
    int refill(int waiting, Instant now) {
        if (drains.region()) {
            return 0;
        }
        try {
            return refillOrFail(waiting, now);
        } catch (LeaseLostException e) {
            return 0; // another gateway leads this region and starts for it
        }
    }

    private int refillOrFail(int waiting, Instant now) {
        refillLock.lock();
        try {
            PoolCounts c = store.counts(settings.name(), settings.countBound());
            int target = warmTarget.target(settings, new PoolState(c, waiting, now));
            int deficit = target + waiting - (c.warm() + c.starting());
            int room = settings.maxSize() - c.live();
            int wanted = Math.min(deficit, room);
            return wanted > 0 ? starter.startUpTo(wanted) : 0; // rows are inserted before this returns
        } finally {
            refillLock.unlock();
        }
    }
}
