package io.warmpool.core;

import io.warmpool.ClaimRequest;
import io.warmpool.Instance;
import io.warmpool.InstanceLostException;
import io.warmpool.InstanceState;
import io.warmpool.spi.InstanceStore;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * The store side of one pool's acquire: the sticky lookup of a session that holds an instance already, and the atomic
 * claim of a warm one, which steps over instances drained since they became warm. {@link RegionPool} owns the
 * waiting, the counters and the wake-ups around these calls. Thread-safe (stateless but for what it is given).
 */
final class PoolClaims {
    /** Drained instances one claim steps over before it gives up (each is stopped at once). */
    private static final int DRAINED_ATTEMPTS = 8;

    private final PoolSettings settings;
    private final InstanceStore store;
    private final InstantSource clock;
    private final Executor executor;
    private final Drains drains;
    private final InstanceReturns returns;

    PoolClaims(PoolSettings settings, InstanceStore store, InstantSource clock, Executor executor, Drains drains,
               InstanceReturns returns) {
        this.settings = settings;
        this.store = store;
        this.clock = clock;
        this.executor = executor;
        this.drains = drains;
        this.returns = returns;
    }

    /**
     * Claims a warm instance; one that turns out to be drained (it became warm after its agent was drained) is
     * stopped at once and the claim tried again, a bounded number of times.
     */
    Optional<Instance> claim(String sessionId, Duration keepAlive, List<String> zones) {
        for (int attempt = 0; attempt < DRAINED_ATTEMPTS; attempt++) {
            Optional<Instance> claimed = store.claim(request(sessionId, keepAlive, zones));
            if (claimed.isEmpty() || !drains.covers(claimed.get())) {
                return claimed;
            }
            Instance drained = claimed.get();
            if (store.release(sessionId, InstanceState.STOPPING).isPresent()) {
                executor.execute(() -> returns.stop(drained, InstanceState.STOPPING));
            }
        }
        return Optional.empty();
    }

    /**
     * The instance {@code sessionId} holds already, its keep-alive renewed; empty when it holds none.
     *
     * @throws InstanceLostException when its instance died or the session expired meanwhile
     */
    Optional<Lease> sticky(String sessionId, Duration keepAlive) {
        Optional<Instance> bound = store.findBySession(sessionId);
        if (bound.isEmpty()) {
            return Optional.empty();
        }
        Instance instance = bound.get();
        if (instance.state() != InstanceState.CLAIMED
                || !store.touchSession(sessionId, clock.instant().plus(keepAlive))) {
            throw new InstanceLostException(sessionId, instance.id());
        }
        return Optional.of(new Lease(instance, true, false, false));
    }

    private ClaimRequest request(String sessionId, Duration keepAlive, List<String> zones) {
        Instant now = clock.instant();
        return new ClaimRequest(settings.name(), settings.version(), sessionId, now, keepAlive,
                now.minus(settings.staleAfter()), settings.candidates(), zones);
    }
}
