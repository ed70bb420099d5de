package io.warmpool.testkit;

import io.warmpool.AgentBeat;
import io.warmpool.ClaimRequest;
import io.warmpool.HeartbeatReport;
import io.warmpool.Instance;
import io.warmpool.InstanceState;
import io.warmpool.LeaderTerm;
import io.warmpool.PoolCounts;
import io.warmpool.RateLimit;
import io.warmpool.spi.InstanceStore;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * An {@link InstanceStore} that forwards every call to another: extend it and override the calls a test wants to
 * watch, fail or block (a store whose {@code list} fails, one that stalls). Its {@link #fenced fenced view} is the
 * same class: a check of the lease token before each instance call, then the call through this store (so a test's
 * overrides still see it). Thread-safe if the delegate is.
 */
public class ForwardingInstanceStore implements InstanceStore {

    protected final InstanceStore delegate;
    private final Runnable check; // runs before every instance call; throws to refuse it
    private final boolean ownsDelegate;

    public ForwardingInstanceStore(InstanceStore delegate) {
        this(delegate, () -> { }, true);
    }

    private ForwardingInstanceStore(InstanceStore delegate, Runnable check, boolean ownsDelegate) {
        this.delegate = delegate;
        this.check = check;
        this.ownsDelegate = ownsDelegate;
    }

    @Override
    public void insert(Instance instance) {
        check.run();
        delegate.insert(instance);
    }

    @Override
    public boolean markWarm(String instanceId, String cdpUrl, String agentUrl, Instant now) {
        check.run();
        return delegate.markWarm(instanceId, cdpUrl, agentUrl, now);
    }

    @Override
    public Optional<Instance> claim(ClaimRequest request) {
        check.run();
        return delegate.claim(request);
    }

    @Override
    public Optional<Instance> findBySession(String sessionId) {
        check.run();
        return delegate.findBySession(sessionId);
    }

    @Override
    public Optional<Instance> find(String instanceId) {
        check.run();
        return delegate.find(instanceId);
    }

    @Override
    public boolean touchSession(String sessionId, Instant expiresAt) {
        check.run();
        return delegate.touchSession(sessionId, expiresAt);
    }

    @Override
    public Optional<Instance> release(String sessionId, InstanceState next) {
        check.run();
        return delegate.release(sessionId, next);
    }

    @Override
    public boolean transition(String instanceId, InstanceState from, InstanceState to) {
        check.run();
        return delegate.transition(instanceId, from, to);
    }

    @Override
    public int applyHeartbeats(Collection<HeartbeatReport> reports) {
        check.run();
        return delegate.applyHeartbeats(reports);
    }

    @Override
    public int applyBeats(Collection<AgentBeat> agents, Collection<HeartbeatReport> instances) {
        check.run();
        return delegate.applyBeats(agents, instances);
    }

    @Override
    public int pruneAgents(Instant silentBefore) {
        check.run();
        return delegate.pruneAgents(silentBefore);
    }

    @Override
    public List<Instance> markLost(String pool, Instant staleBefore) {
        check.run();
        return delegate.markLost(pool, staleBefore);
    }

    @Override
    public List<Instance> expiredSessions(String pool, Instant now) {
        check.run();
        return delegate.expiredSessions(pool, now);
    }

    @Override
    public List<Instance> list(String pool) {
        check.run();
        return delegate.list(pool);
    }

    @Override
    public SearchPage search(InstanceState state, String text, int offset, int limit) {
        check.run();
        return delegate.search(state, text, offset, limit);
    }

    @Override
    public List<Instance> sessions(String sessionIdPrefix, int limit) {
        check.run();
        return delegate.sessions(sessionIdPrefix, limit);
    }

    @Override
    public int countSessions(String sessionIdPrefix) {
        check.run();
        return delegate.countSessions(sessionIdPrefix);
    }

    @Override
    public List<Instance> lost(String pool, int limit) {
        check.run();
        return delegate.lost(pool, limit);
    }

    @Override
    public List<Instance> dueForRecycle(String pool, Instant now, int limit) {
        check.run();
        return delegate.dueForRecycle(pool, now, limit);
    }

    @Override
    public List<Instance> idle(String pool, int limit) {
        check.run();
        return delegate.idle(pool, limit);
    }

    @Override
    public List<Instance> byAgent(String agentId) {
        check.run();
        return delegate.byAgent(agentId);
    }

    @Override
    public List<Instance> warmMembers(String pool, String version, Instant freshAfter, int limit) {
        check.run();
        return delegate.warmMembers(pool, version, freshAfter, limit);
    }

    @Override
    public PoolCounts counts(String pool) {
        check.run();
        return delegate.counts(pool);
    }

    @Override
    public PoolCounts counts(String pool, int atMost) {
        check.run();
        return delegate.counts(pool, atMost);
    }

    @Override
    public Optional<LeaderTerm> lead(String lease, String holder, Instant now, Duration period) {
        return delegate.lead(lease, holder, now, period);
    }

    @Override
    public LeaderTerm seize(String lease, String holder, Instant now, Duration period) {
        return delegate.seize(lease, holder, now, period);
    }

    @Override
    public void resign(String lease, String holder, long token) {
        delegate.resign(lease, holder, token);
    }

    @Override
    public Duration takeRate(String key, RateLimit limit, Instant now) {
        check.run();
        return delegate.takeRate(key, limit, now);
    }

    @Override
    public RateLimit.Allowance peekRate(String key, RateLimit limit, Instant now) {
        check.run();
        return delegate.peekRate(key, limit, now);
    }

    @Override
    public void publishLag(String gateway, Duration lag, Instant now) {
        check.run();
        delegate.publishLag(gateway, lag, now);
    }

    @Override
    public Duration worstLag(Instant liveAfter) {
        check.run();
        return delegate.worstLag(liveAfter);
    }

    @Override
    public void registerAgent(io.warmpool.AgentRegistration agent, Instant now) {
        check.run();
        delegate.registerAgent(agent, now);
    }

    @Override
    public List<io.warmpool.AgentRegistration> liveAgents(String region, Instant liveAfter) {
        check.run();
        return delegate.liveAgents(region, liveAfter);
    }

    /**
     * A fenced view whose calls still go through this store (and so through a subclass's overrides); the token is
     * checked through the innermost store's own fenced view before each call, not atomically with it: good for tests
     * of the logic around a store, not for tests of the fence itself (run those on a real store). Closing the view
     * leaves this store open.
     */
    @Override
    public InstanceStore fenced(String lease, LongSupplier token) {
        InstanceStore fence = delegate.fenced(lease, token);
        Runnable outer = check;
        return new ForwardingInstanceStore(this, () -> {
            outer.run();
            fence.find(""); // throws LeaseLostException when the token is no longer the lease's
        }, false);
    }

    @Override
    public void close() {
        if (ownsDelegate) {
            delegate.close();
        }
    }
}
