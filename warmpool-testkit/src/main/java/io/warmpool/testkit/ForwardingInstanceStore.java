package io.warmpool.testkit;

import io.warmpool.ClaimRequest;
import io.warmpool.HeartbeatReport;
import io.warmpool.Instance;
import io.warmpool.InstanceState;
import io.warmpool.PoolCounts;
import io.warmpool.spi.InstanceStore;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * An {@link InstanceStore} that forwards every call to another: extend it and override the calls a test wants to
 * watch, fail or block (a store whose {@code list} fails, one that stalls). Thread-safe if the delegate is.
 */
public class ForwardingInstanceStore implements InstanceStore {

    protected final InstanceStore delegate;

    public ForwardingInstanceStore(InstanceStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public void insert(Instance instance) {
        delegate.insert(instance);
    }

    @Override
    public boolean markWarm(String instanceId, String cdpUrl, String agentUrl, Instant now) {
        return delegate.markWarm(instanceId, cdpUrl, agentUrl, now);
    }

    @Override
    public Optional<Instance> claim(ClaimRequest request) {
        return delegate.claim(request);
    }

    @Override
    public Optional<Instance> findBySession(String sessionId) {
        return delegate.findBySession(sessionId);
    }

    @Override
    public Optional<Instance> find(String instanceId) {
        return delegate.find(instanceId);
    }

    @Override
    public boolean touchSession(String sessionId, Instant expiresAt) {
        return delegate.touchSession(sessionId, expiresAt);
    }

    @Override
    public Optional<Instance> release(String sessionId, InstanceState next) {
        return delegate.release(sessionId, next);
    }

    @Override
    public boolean transition(String instanceId, InstanceState from, InstanceState to) {
        return delegate.transition(instanceId, from, to);
    }

    @Override
    public int applyHeartbeats(Collection<HeartbeatReport> reports) {
        return delegate.applyHeartbeats(reports);
    }

    @Override
    public List<Instance> markLost(String pool, Instant staleBefore) {
        return delegate.markLost(pool, staleBefore);
    }

    @Override
    public List<Instance> expiredSessions(String pool, Instant now) {
        return delegate.expiredSessions(pool, now);
    }

    @Override
    public List<Instance> list(String pool) {
        return delegate.list(pool);
    }

    @Override
    public List<Instance> sessions(String sessionIdPrefix, int limit) {
        return delegate.sessions(sessionIdPrefix, limit);
    }

    @Override
    public int countSessions(String sessionIdPrefix) {
        return delegate.countSessions(sessionIdPrefix);
    }

    @Override
    public List<Instance> lost(String pool, int limit) {
        return delegate.lost(pool, limit);
    }

    @Override
    public List<Instance> dueForRecycle(String pool, Instant now, int limit) {
        return delegate.dueForRecycle(pool, now, limit);
    }

    @Override
    public List<Instance> idle(String pool, int limit) {
        return delegate.idle(pool, limit);
    }

    @Override
    public List<Instance> byAgent(String agentId) {
        return delegate.byAgent(agentId);
    }

    @Override
    public List<Instance> warmMembers(String pool, String version, Instant freshAfter, int limit) {
        return delegate.warmMembers(pool, version, freshAfter, limit);
    }

    @Override
    public PoolCounts counts(String pool) {
        return delegate.counts(pool);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
