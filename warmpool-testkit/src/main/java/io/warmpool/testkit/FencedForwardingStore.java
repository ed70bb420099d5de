package io.warmpool.testkit;

import io.warmpool.ClaimRequest;
import io.warmpool.HeartbeatReport;
import io.warmpool.Instance;
import io.warmpool.InstanceState;
import io.warmpool.LeaderTerm;
import io.warmpool.PoolCounts;
import io.warmpool.spi.InstanceStore;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The fenced view of a {@link ForwardingInstanceStore}: each call first checks the lease token through the wrapped
 * store's own fenced view, then goes through the forwarding store (so a test's overrides still see it). Unlike a
 * real store's view, the check and the call are two steps, not one transaction: good for tests of the logic around a
 * store, not for tests of the fence itself (run those on the real store). Thread-safe if the stores are.
 */
final class FencedForwardingStore implements InstanceStore {
    private final InstanceStore outer;
    private final InstanceStore fence;

    FencedForwardingStore(InstanceStore outer, InstanceStore delegate, String lease, LongSupplier token) {
        this.outer = outer;
        this.fence = delegate.fenced(lease, token);
    }

    private void check() {
        fence.find(""); // throws LeaseLostException when the token is no longer the lease's
    }

    @Override
    public void insert(Instance instance) {
        check();
        outer.insert(instance);
    }

    @Override
    public boolean markWarm(String instanceId, String cdpUrl, String agentUrl, Instant now) {
        check();
        return outer.markWarm(instanceId, cdpUrl, agentUrl, now);
    }

    @Override
    public Optional<Instance> claim(ClaimRequest request) {
        check();
        return outer.claim(request);
    }

    @Override
    public Optional<Instance> findBySession(String sessionId) {
        check();
        return outer.findBySession(sessionId);
    }

    @Override
    public Optional<Instance> find(String instanceId) {
        check();
        return outer.find(instanceId);
    }

    @Override
    public boolean touchSession(String sessionId, Instant expiresAt) {
        check();
        return outer.touchSession(sessionId, expiresAt);
    }

    @Override
    public Optional<Instance> release(String sessionId, InstanceState next) {
        check();
        return outer.release(sessionId, next);
    }

    @Override
    public boolean transition(String instanceId, InstanceState from, InstanceState to) {
        check();
        return outer.transition(instanceId, from, to);
    }

    @Override
    public int applyHeartbeats(Collection<HeartbeatReport> reports) {
        check();
        return outer.applyHeartbeats(reports);
    }

    @Override
    public List<Instance> markLost(String pool, Instant staleBefore) {
        check();
        return outer.markLost(pool, staleBefore);
    }

    @Override
    public List<Instance> expiredSessions(String pool, Instant now) {
        check();
        return outer.expiredSessions(pool, now);
    }

    @Override
    public List<Instance> list(String pool) {
        check();
        return outer.list(pool);
    }

    @Override
    public List<Instance> sessions(String sessionIdPrefix, int limit) {
        check();
        return outer.sessions(sessionIdPrefix, limit);
    }

    @Override
    public int countSessions(String sessionIdPrefix) {
        check();
        return outer.countSessions(sessionIdPrefix);
    }

    @Override
    public List<Instance> lost(String pool, int limit) {
        check();
        return outer.lost(pool, limit);
    }

    @Override
    public List<Instance> dueForRecycle(String pool, Instant now, int limit) {
        check();
        return outer.dueForRecycle(pool, now, limit);
    }

    @Override
    public List<Instance> idle(String pool, int limit) {
        check();
        return outer.idle(pool, limit);
    }

    @Override
    public List<Instance> byAgent(String agentId) {
        check();
        return outer.byAgent(agentId);
    }

    @Override
    public List<Instance> warmMembers(String pool, String version, Instant freshAfter, int limit) {
        check();
        return outer.warmMembers(pool, version, freshAfter, limit);
    }

    @Override
    public PoolCounts counts(String pool) {
        check();
        return outer.counts(pool);
    }

    @Override
    public Optional<LeaderTerm> lead(String lease, String holder, Instant now, Duration period) {
        return outer.lead(lease, holder, now, period);
    }

    @Override
    public LeaderTerm seize(String lease, String holder, Instant now, Duration period) {
        return outer.seize(lease, holder, now, period);
    }

    @Override
    public void resign(String lease, String holder, long token) {
        outer.resign(lease, holder, token);
    }

    @Override
    public InstanceStore fenced(String lease, LongSupplier token) {
        return outer.fenced(lease, token);
    }

    @Override
    public void close() {
        // the view leaves the store open
    }
}
