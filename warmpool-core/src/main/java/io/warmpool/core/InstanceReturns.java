package io.warmpool.core;

import io.warmpool.Instance;
import io.warmpool.InstanceState;
import io.warmpool.core.sizing.PoolSizing;
import io.warmpool.spi.InstanceProvider;
import io.warmpool.spi.InstanceStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * How instances of one pool in one region come back: a released session's instance is reset and warm again, or
 * recycled after {@code maxUses} / {@code maxLifetime}; a LOST one is forgotten; a stopped one is deleted. Shared by
 * {@link RegionPool} (explicit releases) and {@link Housekeeper} (idle sessions, recycling), so neither reaches into
 * the other. Slow work (reset, stop) runs on the executor. Thread-safe.
 */
final class InstanceReturns {
    private static final Logger log = LoggerFactory.getLogger(InstanceReturns.class);

    private final String region;
    private final PoolSettings settings;
    private final Drains drains;
    private final InstanceStore store;
    private final InstanceProvider provider;
    private final InstantSource clock;
    private final Executor executor;
    private final Runnable onWarm;

    private final PoolSizing sizing;

    InstanceReturns(PoolParts parts, PoolSizing sizing) {
        this.sizing = sizing;
        this.region = parts.region();
        this.settings = parts.settings();
        this.drains = parts.drains();
        this.store = parts.store();
        this.provider = parts.provider();
        this.clock = parts.clock();
        this.executor = parts.executor();
        this.onWarm = parts.onWarm();
    }

    /**
     * Ends a session: reset then warm again, or recycled when due. {@code clean} means the session left nothing
     * behind (a quick action disposed its own context), so no reset is needed.
     *
     * @return false when no such session was live
     */
    boolean release(String sessionId, boolean clean) {
        Optional<Instance> bound = store.findBySession(sessionId);
        if (bound.isEmpty()) {
            return false;
        }
        Instance instance = bound.get();
        if (instance.state() == InstanceState.LOST) {
            return store.release(sessionId, InstanceState.GONE).isPresent();
        }
        sizing.released(instance.claimedAt(), clock.instant());
        if (dueForRecycle(instance, clock.instant()) || stopOnRelease()) {
            if (store.release(sessionId, InstanceState.STOPPING).isEmpty()) {
                return false;
            }
            executor.execute(() -> stop(instance, InstanceState.STOPPING));
            return true;
        }
        if (clean) {
            boolean released = store.release(sessionId, InstanceState.WARM).isPresent();
            if (released) {
                onWarm.run();
            }
            return released;
        }
        if (store.release(sessionId, InstanceState.STARTING).isEmpty()) {
            return false;
        }
        executor.execute(() -> reset(instance));
        return true;
    }

    /**
     * Like {@link #release(String, boolean)} for {@code claimed} as its claimer holds it (the row the claim returned):
     * the recycle decision is made from that row, and the store's release, which never revives a LOST instance, tells
     * what the row was. One statement where the other costs a read and a statement.
     */
    boolean release(Instance claimed, boolean clean) {
        Instant now = clock.instant();
        InstanceState next = dueForRecycle(claimed, now) || stopOnRelease() ? InstanceState.STOPPING
                : clean ? InstanceState.WARM : InstanceState.STARTING;
        Optional<Instance> before = store.release(claimed.sessionId(), next);
        if (before.isEmpty()) {
            return false;
        }
        if (before.get().state() == InstanceState.LOST && next != InstanceState.STOPPING) {
            // it died while held: the row stayed LOST; forget it as the read-first release does
            store.transition(claimed.id(), InstanceState.LOST, InstanceState.GONE);
            return true;
        }
        sizing.released(claimed.claimedAt(), now);
        switch (next) {
            case WARM -> onWarm.run();
            case STARTING -> executor.execute(() -> reset(claimed));
            default -> executor.execute(() -> stop(claimed, InstanceState.STOPPING));
        }
        return true;
    }

    /** Whether the sizing policy stops a released instance rather than keeping it ({@code exact:N} above N). */
    private boolean stopOnRelease() {
        return sizing.mayStopOnRelease() && sizing.stopOnRelease(store.counts(settings.name(), settings.countBound()).warm());
    }

    boolean dueForRecycle(Instance instance, Instant now) {
        return instance.uses() >= settings.maxUses() || !now.isBefore(instance.retireAt()) || drains.covers(instance);
    }

    /** Moves {@code instance} from {@code from} to STOPPING and stops it in the background; false when it was not in {@code from}. */
    boolean retire(Instance instance, InstanceState from) {
        if (!store.transition(instance.id(), from, InstanceState.STOPPING)) {
            return false;
        }
        executor.execute(() -> stop(instance, InstanceState.STOPPING));
        return true;
    }

    private void reset(Instance instance) {
        try {
            boolean ok;
            try {
                ok = provider.reset(instance);
            } catch (RuntimeException e) {
                log.warn("{}/{} - reset of {} failed: {}", settings.name(), region, instance.id(), e.getMessage());
                ok = false;
            }
            if (ok && store.markWarm(instance.id(), instance.cdpUrl(), instance.agentUrl(), clock.instant())) {
                onWarm.run();
                return;
            }
            if (store.transition(instance.id(), InstanceState.STARTING, InstanceState.STOPPING)) {
                stop(instance, InstanceState.STOPPING);
            }
        } catch (RuntimeException e) {
            // the store may be unwritable: the row stays STARTING and the housekeeper retires it once it is stale
            log.warn("{}/{} - could not return {} to the pool: {}", settings.name(), region, instance.id(), e.getMessage());
        }
    }

    /** Stops an instance through the provider and deletes its row if it is still in {@code from}. */
    void stop(Instance instance, InstanceState from) {
        try {
            provider.stop(instance);
        } catch (RuntimeException e) {
            log.warn("{}/{} - stop of {} failed: {}", settings.name(), region, instance.id(), e.getMessage());
        }
        try {
            store.transition(instance.id(), from, InstanceState.GONE);
        } catch (RuntimeException e) {
            log.warn("{}/{} - could not forget stopped {}: {}", settings.name(), region, instance.id(), e.getMessage());
        }
    }
}
