package io.warmpool.core;

import io.warmpool.Instance;
import io.warmpool.InstanceState;
import io.warmpool.PoolCounts;
import io.warmpool.spi.InstanceStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps one pool in one region healthy. Each {@link #runOnce()} marks instances without recent heartbeats LOST
 * and cleans them up, expires idle sessions, recycles instances past {@code maxUses} or {@code maxLifetime},
 * and starts instances until {@code minIdle} (plus any waiting acquirers) are warm or starting, within
 * {@code maxSize}. The server calls {@link #runOnce()} on a fixed delay; tests call it directly with a mutable
 * clock. Runs are serialized by a lock; every failure is caught, logged and counted.
 */
public final class Housekeeper {
    private static final Logger log = LoggerFactory.getLogger(Housekeeper.class);

    private final RegionPool pool;
    private final ReentrantLock lock = new ReentrantLock();
    private long failures; // guarded by lock
    private Instant lastPing = Instant.MIN; // guarded by lock
    private final java.util.concurrent.atomic.AtomicLong pings = new java.util.concurrent.atomic.AtomicLong();

    Housekeeper(RegionPool pool) {
        this.pool = pool;
    }

    /** What one run did. */
    public record Run(int lost, int expired, int recycled, int started) {
    }

    public Run runOnce() {
        lock.lock();
        try {
            Instant now = pool.clock().instant();
            int lost = reapLost(now);
            int expired = expireSessions(now);
            int recycled = recycle(now);
            keepWarm(now);
            int started = refill();
            if (lost + expired + recycled + started > 0) {
                log.debug("{}/{} - housekeeping: lost={} expired={} recycled={} started={}", name(), region(),
                        lost, expired, recycled, started);
            }
            return new Run(lost, expired, recycled, started);
        } catch (RuntimeException e) {
            failures++;
            log.warn("{}/{} - housekeeping failed ({} failures so far): {}", name(), region(), failures, e.toString());
            return new Run(0, 0, 0, 0);
        } finally {
            lock.unlock();
        }
    }

    private int reapLost(Instant now) {
        InstanceStore store = pool.store();
        List<Instance> newlyLost = store.markLost(name(), now.minus(pool.settings().staleAfter()));
        for (Instance i : newlyLost) {
            log.warn("{}/{} - {} is LOST (no heartbeat since {})", name(), region(), i.id(), i.heartbeatAt());
        }
        int cleaned = 0;
        for (Instance i : store.list(name())) {
            if (i.state() != InstanceState.LOST) {
                continue;
            }
            boolean sessionOver = i.sessionId() == null
                    || (i.sessionExpiresAt() != null && i.sessionExpiresAt().isBefore(now));
            if (sessionOver && store.transition(i.id(), InstanceState.LOST, InstanceState.STOPPING)) {
                pool.executor().execute(() -> pool.stop(i, InstanceState.STOPPING));
                cleaned++;
            }
        }
        return newlyLost.size() + cleaned;
    }

    private int expireSessions(Instant now) {
        List<Instance> expired = pool.store().expiredSessions(name(), now);
        int n = 0;
        for (Instance i : expired) {
            if (pool.release(i.sessionId(), false)) {
                log.info("{}/{} - session {} on {} idled out", name(), region(), i.sessionId(), i.id());
                n++;
            }
        }
        return n;
    }

    private int recycle(Instant now) {
        int n = 0;
        for (Instance i : pool.store().list(name())) {
            if (i.state() == InstanceState.WARM && pool.dueForRecycle(i, now)
                    && pool.store().transition(i.id(), InstanceState.WARM, InstanceState.STOPPING)) {
                log.info("{}/{} - {} {} (uses={}, retireAt={})", name(), region(),
                        pool.drains().covers(i) ? "stopping drained" : "recycling", i.id(), i.uses(), i.retireAt());
                pool.executor().execute(() -> pool.stop(i, InstanceState.STOPPING));
                n++;
            }
        }
        return n;
    }

    /** Pings every warm member of a shared pool once per {@code keepaliveInterval}; a silent one is LOST. */
    private void keepWarm(Instant now) {
        PoolSettings s = pool.settings();
        if (!s.shared() || now.isBefore(lastPing.plus(s.keepaliveInterval()))) {
            return;
        }
        lastPing = now;
        for (Instance i : pool.store().list(name())) {
            if (i.state() != InstanceState.WARM) {
                continue;
            }
            pool.executor().execute(() -> {
                pings.incrementAndGet();
                boolean alive;
                try {
                    alive = pool.provider().ping(i);
                } catch (RuntimeException e) {
                    alive = false;
                }
                if (!alive && pool.store().transition(i.id(), InstanceState.WARM, InstanceState.LOST)) {
                    log.warn("{}/{} - {} did not answer its keep-warm ping; LOST", name(), region(), i.id());
                }
            });
        }
    }

    /** Keep-warm pings sent so far. */
    public long pings() {
        return pings.get();
    }

    /** Starts what is missing for {@code minIdle} plus waiting acquirers; callable from any thread. */
    int refill() {
        PoolSettings s = pool.settings();
        if (pool.drains().region()) {
            return 0;
        }
        PoolCounts c = pool.counts();
        int deficit = s.minIdle() + pool.waiting() - (c.warm() + c.starting());
        int room = s.maxSize() - c.live();
        int wanted = Math.min(deficit, room);
        return wanted > 0 ? pool.starter().startUpTo(wanted) : 0;
    }

    private String name() {
        return pool.settings().name();
    }

    private String region() {
        return pool.region();
    }
}
