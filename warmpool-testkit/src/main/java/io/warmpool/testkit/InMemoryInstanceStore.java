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
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * An {@link InstanceStore} in memory, for unit tests of the logic around a store. Same semantics as the JDBC
 * store, and passes the same {@link InstanceStoreContract}: times are kept to the millisecond, candidates are
 * ordered by a per-instance random {@code pick} key (re-drawn on every return to WARM) and the claim chooses
 * randomly among the first {@code candidates}. O(n) per claim; not meant for large pools.
 * Thread-safe: every method runs under one lock.
 */
public final class InMemoryInstanceStore implements InstanceStore {

    private final ReentrantLock lock;
    private final MemoryRows shard; // guarded by lock
    private final MemoryLeases leases; // guarded by lock
    private final MemoryGatewayRows gatewayRows; // guarded by lock
    private final Runnable fence; // runs under the lock before every call of a fenced view; null when unfenced

    public InMemoryInstanceStore() {
        this(new Random());
    }

    /** A store whose random choices repeat for the same {@code seed}. */
    public InMemoryInstanceStore(long seed) {
        this(new Random(seed));
    }

    private InMemoryInstanceStore(Random random) {
        this.lock = new ReentrantLock();
        this.shard = new MemoryRows(random);
        this.leases = new MemoryLeases();
        this.gatewayRows = new MemoryGatewayRows();
        this.fence = null;
    }

    /** A fenced view sharing {@code base}'s rows and lock. */
    private InMemoryInstanceStore(InMemoryInstanceStore base, String lease, LongSupplier token) {
        this.lock = base.lock;
        this.shard = base.shard;
        this.leases = base.leases;
        this.gatewayRows = base.gatewayRows;
        this.fence = () -> leases.check(lease, token.getAsLong());
    }

    @Override
    public Optional<LeaderTerm> lead(String lease, String holder, Instant now, Duration period) {
        return locked(() -> leases.lead(lease, holder, now, period));
    }

    @Override
    public LeaderTerm seize(String lease, String holder, Instant now, Duration period) {
        return locked(() -> leases.seize(lease, holder, now, period));
    }

    @Override
    public void resign(String lease, String holder, long token) {
        locked(() -> {
            leases.resign(lease, holder, token);
            return null;
        });
    }

    @Override
    public Duration takeRate(String key, RateLimit limit, Instant now) {
        return locked(() -> gatewayRows.take(key, limit, now));
    }

    @Override
    public RateLimit.Allowance peekRate(String key, RateLimit limit, Instant now) {
        return locked(() -> gatewayRows.peek(key, limit, now));
    }

    @Override
    public void publishLag(String gateway, Duration lag, Instant now) {
        locked(() -> {
            gatewayRows.publish(gateway, lag, now);
            return null;
        });
    }

    @Override
    public Duration worstLag(Instant liveAfter) {
        return locked(() -> gatewayRows.worst(liveAfter));
    }

    @Override
    public void registerAgent(io.warmpool.AgentRegistration agent, Instant now) {
        locked(() -> {
            gatewayRows.register(agent);
            shard.beat(agent.agentId(), millis(now));
            return null;
        });
    }

    @Override
    public List<io.warmpool.AgentRegistration> liveAgents(String region, Instant liveAfter) {
        return locked(() -> gatewayRows.live(region, millis(liveAfter), shard.agentBeats));
    }

    @Override
    public InstanceStore fenced(String lease, LongSupplier token) {
        return new InMemoryInstanceStore(this, lease, token);
    }

    @Override
    public void insert(Instance instance) {
        Objects.requireNonNull(instance, "instance");
        if (instance.state() == InstanceState.GONE) {
            throw new IllegalArgumentException("cannot insert an instance in state GONE (id=" + instance.id() + ")");
        }
        Objects.requireNonNull(instance.heartbeatAt(), "heartbeatAt");
        locked(() -> {
            shard.insert(instance);
            return null;
        });
    }

    @Override
    public boolean markWarm(String instanceId, String cdpUrl, String agentUrl, Instant now) {
        return locked(() -> shard.markWarm(instanceId, cdpUrl, agentUrl, millis(now)));
    }

    @Override
    public Optional<Instance> claim(ClaimRequest request) {
        return locked(() -> shard.claim(request, millis(request.freshAfter()), millis(request.now())));
    }

    @Override
    public Optional<Instance> findBySession(String sessionId) {
        return locked(() -> Optional.ofNullable(shard.sessions.get(sessionId))
                .map(id -> shard.rows.get(id).toInstance()));
    }

    @Override
    public Optional<Instance> find(String instanceId) {
        return locked(() -> Optional.ofNullable(shard.rows.get(instanceId)).map(MemoryRow::toInstance));
    }

    @Override
    public boolean touchSession(String sessionId, Instant expiresAt) {
        return locked(() -> {
            String id = shard.sessions.get(sessionId);
            MemoryRow row = id == null ? null : shard.rows.get(id);
            if (row == null || row.state != InstanceState.CLAIMED) {
                return false;
            }
            Instant at = millis(expiresAt);
            if (row.sessionExpiresAt == null || at.isAfter(row.sessionExpiresAt)) {
                row.sessionExpiresAt = at;
            }
            return true;
        });
    }

    @Override
    public Optional<Instance> release(String sessionId, InstanceState next) {
        Objects.requireNonNull(next, "next");
        if (next == InstanceState.CLAIMED) {
            throw new IllegalArgumentException("release cannot move an instance to CLAIMED (session=" + sessionId + ")");
        }
        return locked(() -> shard.release(sessionId, next));
    }

    @Override
    public boolean transition(String instanceId, InstanceState from, InstanceState to) {
        checkTransition(instanceId, from, to);
        return locked(() -> shard.transition(instanceId, from, to));
    }

    @Override
    public int applyHeartbeats(Collection<HeartbeatReport> reports) {
        return locked(() -> shard.applyHeartbeats(reports, InMemoryInstanceStore::millis));
    }

    @Override
    public int applyBeats(Collection<AgentBeat> agents, Collection<HeartbeatReport> instances) {
        int changed = locked(() -> shard.beats(agents, InMemoryInstanceStore::millis));
        return changed + (instances.isEmpty() ? 0 : applyHeartbeats(instances));
    }

    @Override
    public int pruneAgents(Instant silentBefore) {
        Instant before = millis(silentBefore);
        return locked(() -> shard.pruneAgents(before));
    }

    @Override
    public List<Instance> markLost(String pool, Instant staleBefore) {
        Instant before = millis(staleBefore);
        return locked(() -> shard.markLost(pool, before));
    }

    @Override
    public List<Instance> expiredSessions(String pool, Instant now) {
        Instant at = millis(now);
        return locked(() -> shard.rows.values().stream()
                .filter(r -> inPool(r, pool) && r.state == InstanceState.CLAIMED
                        && r.sessionExpiresAt != null && r.sessionExpiresAt.isBefore(at))
                .sorted(Comparator.comparing((MemoryRow r) -> r.sessionExpiresAt).thenComparing(r -> r.id))
                .map(MemoryRow::toInstance)
                .toList());
    }

    @Override
    public List<Instance> list(String pool) {
        return locked(() -> shard.rows.values().stream().filter(r -> inPool(r, pool)).map(MemoryRow::toInstance).toList());
    }

    @Override
    public List<Instance> sessions(String sessionIdPrefix, int limit) {
        return locked(() -> shard.rows.values().stream()
                .filter(r -> r.sessionId != null && r.sessionId.startsWith(sessionIdPrefix))
                .sorted(Comparator.comparing((MemoryRow r) -> r.sessionId))
                .limit(limit).map(MemoryRow::toInstance).toList());
    }

    @Override
    public int countSessions(String sessionIdPrefix) {
        return locked(() -> (int) shard.sessions.keySet().stream().filter(s -> s.startsWith(sessionIdPrefix)).count());
    }

    @Override
    public List<Instance> lost(String pool, int limit) {
        return select(r -> r.pool.equals(pool) && r.state == InstanceState.LOST, limit);
    }

    @Override
    public List<Instance> dueForRecycle(String pool, Instant now, int limit) {
        Instant at = millis(now);
        return select(r -> r.pool.equals(pool) && r.state == InstanceState.WARM && r.retireAt != null
                && !r.retireAt.isAfter(at), limit);
    }

    @Override
    public List<Instance> idle(String pool, int limit) {
        return select(r -> r.pool.equals(pool) && r.state == InstanceState.WARM, limit);
    }

    @Override
    public List<Instance> byAgent(String agentId) {
        return select(r -> agentId.equals(r.agentId), Integer.MAX_VALUE);
    }

    @Override
    public List<Instance> warmMembers(String pool, String version, Instant freshAfter, int limit) {
        Instant fresh = millis(freshAfter);
        return select(r -> r.pool.equals(pool) && r.state == InstanceState.WARM && version.equals(r.version)
                && shard.fresh(r, fresh), limit);
    }

    /** Rows matching {@code filter}, by id, at most {@code limit}. */
    private List<Instance> select(java.util.function.Predicate<MemoryRow> filter, int limit) {
        return locked(() -> shard.rows.values().stream().filter(filter).limit(limit).map(MemoryRow::toInstance).toList());
    }

    @Override
    public PoolCounts counts(String pool) {
        return locked(() -> {
            int[] n = new int[InstanceState.values().length];
            shard.rows.values().stream().filter(r -> inPool(r, pool)).forEach(r -> n[r.state.ordinal()]++);
            return new PoolCounts(n[InstanceState.STARTING.ordinal()], n[InstanceState.WARM.ordinal()],
                    n[InstanceState.CLAIMED.ordinal()], n[InstanceState.STOPPING.ordinal()],
                    n[InstanceState.LOST.ordinal()]);
        });
    }

    @Override
    public PoolCounts counts(String pool, int atMost) {
        return counts(pool).atMost(atMost);
    }

    @Override
    public void close() {
        // nothing to release
    }


    private static void checkTransition(String instanceId, InstanceState from, InstanceState to) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (to == InstanceState.CLAIMED || from == InstanceState.GONE || from == to) {
            throw new IllegalArgumentException("transition " + from + " -> " + to + " is not allowed (id=" + instanceId
                    + "); claim() is the only way to CLAIMED");
        }
    }

    private static boolean inPool(MemoryRow row, String pool) {
        return pool == null || pool.equals(row.pool);
    }

    private static Instant millis(Instant t) {
        return t == null ? null : Instant.ofEpochMilli(t.toEpochMilli());
    }

    private <T> T locked(Supplier<T> body) {
        lock.lock();
        try {
            if (fence != null) {
                fence.run();
            }
            return body.get();
        } finally {
            lock.unlock();
        }
    }
}
