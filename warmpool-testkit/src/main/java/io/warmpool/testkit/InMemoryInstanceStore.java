package io.warmpool.testkit;

import io.warmpool.AgentBeat;
import io.warmpool.ClaimRequest;
import io.warmpool.HeartbeatReport;
import io.warmpool.Instance;
import io.warmpool.InstanceState;
import io.warmpool.LeaderTerm;
import io.warmpool.PoolCounts;
import io.warmpool.RateLimit;
import io.warmpool.StoreException;
import io.warmpool.spi.InstanceStore;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
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
    private final Map<String, MemoryRow> rows; // guarded by lock; by id, so list() is ordered
    private final Map<String, String> sessions; // guarded by lock; sessionId -> instance id
    private final Random random; // guarded by lock
    private final MemoryLeases leases; // guarded by lock
    private final Map<String, Instant> agentBeats; // guarded by lock; agent id -> its latest beat
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
        this.rows = new TreeMap<>();
        this.sessions = new HashMap<>();
        this.random = random;
        this.leases = new MemoryLeases();
        this.agentBeats = new HashMap<>();
        this.gatewayRows = new MemoryGatewayRows();
        this.fence = null;
    }

    /** A fenced view sharing {@code base}'s rows and lock. */
    private InMemoryInstanceStore(InMemoryInstanceStore base, String lease, LongSupplier token) {
        this.lock = base.lock;
        this.rows = base.rows;
        this.sessions = base.sessions;
        this.random = base.random;
        this.leases = base.leases;
        this.agentBeats = base.agentBeats;
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
            agentBeats.merge(agent.agentId(), millis(now), (a, b) -> a.isAfter(b) ? a : b);
            return null;
        });
    }

    @Override
    public List<io.warmpool.AgentRegistration> liveAgents(String region, Instant liveAfter) {
        return locked(() -> gatewayRows.live(region, millis(liveAfter), agentBeats));
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
            if (rows.containsKey(instance.id())) {
                throw new StoreException("insert: instance '" + instance.id() + "' already exists", "23505", null);
            }
            if (instance.sessionId() != null && sessions.containsKey(instance.sessionId())) {
                throw new StoreException("insert: session '" + instance.sessionId() + "' is already bound", "23505", null);
            }
            MemoryRow row = new MemoryRow(instance, random.nextLong());
            rows.put(row.id, row);
            if (row.sessionId != null) {
                sessions.put(row.sessionId, row.id);
            }
            return null;
        });
    }

    @Override
    public boolean markWarm(String instanceId, String cdpUrl, String agentUrl, Instant now) {
        return locked(() -> {
            MemoryRow row = rows.get(instanceId);
            if (row == null || row.state != InstanceState.STARTING) {
                return false;
            }
            row.cdpUrl = cdpUrl;
            row.agentUrl = agentUrl;
            row.heartbeatAt = millis(now);
            moveTo(row, InstanceState.WARM);
            return true;
        });
    }

    @Override
    public Optional<Instance> claim(ClaimRequest request) {
        return locked(() -> {
            String bound = sessions.get(request.sessionId());
            if (bound != null) {
                MemoryRow row = rows.get(bound);
                return row.state == InstanceState.CLAIMED ? Optional.of(row.toInstance()) : Optional.empty();
            }
            Instant freshAfter = millis(request.freshAfter());
            List<MemoryRow> warm = rows.values().stream()
                    .filter(r -> r.state == InstanceState.WARM && r.pool.equals(request.pool())
                            && request.version().equals(r.version) && fresh(r, freshAfter))
                    .sorted(Comparator.comparingLong(r -> r.pick))
                    .toList();
            // the nearest zone that has a warm candidate wins; then any zone
            List<MemoryRow> best = List.of();
            for (String zone : request.zones()) {
                best = warm.stream().filter(r -> zone.equals(r.zone)).limit(request.candidates()).toList();
                if (!best.isEmpty()) {
                    break;
                }
            }
            if (best.isEmpty()) {
                best = warm.stream().limit(request.candidates()).toList();
            }
            if (best.isEmpty()) {
                return Optional.empty();
            }
            MemoryRow row = best.get(random.nextInt(best.size()));
            Instant now = millis(request.now());
            row.state = InstanceState.CLAIMED;
            row.sessionId = request.sessionId();
            row.claimedAt = now;
            row.keepAliveMillis = request.keepAlive().toMillis();
            row.sessionExpiresAt = now.plusMillis(row.keepAliveMillis);
            row.uses++;
            sessions.put(row.sessionId, row.id);
            return Optional.of(row.toInstance());
        });
    }

    @Override
    public Optional<Instance> findBySession(String sessionId) {
        return locked(() -> Optional.ofNullable(sessions.get(sessionId)).map(id -> rows.get(id).toInstance()));
    }

    @Override
    public Optional<Instance> find(String instanceId) {
        return locked(() -> Optional.ofNullable(rows.get(instanceId)).map(MemoryRow::toInstance));
    }

    @Override
    public boolean touchSession(String sessionId, Instant expiresAt) {
        return locked(() -> {
            String id = sessions.get(sessionId);
            MemoryRow row = id == null ? null : rows.get(id);
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
        return locked(() -> {
            String id = sessions.get(sessionId);
            if (id == null) {
                return Optional.empty();
            }
            MemoryRow row = rows.get(id);
            Instance before = row.toInstance();
            // a LOST instance is dead: releasing it may delete or stop it, never bring it back
            boolean revive = next == InstanceState.WARM || next == InstanceState.STARTING;
            moveTo(row, row.state == InstanceState.LOST && revive ? InstanceState.LOST : next);
            clearSession(row);
            return Optional.of(before);
        });
    }

    @Override
    public boolean transition(String instanceId, InstanceState from, InstanceState to) {
        checkTransition(instanceId, from, to);
        return locked(() -> {
            MemoryRow row = rows.get(instanceId);
            if (row == null || row.state != from) {
                return false;
            }
            moveTo(row, to);
            if (to != InstanceState.LOST) {
                clearSession(row);
            }
            return true;
        });
    }

    @Override
    public int applyHeartbeats(Collection<HeartbeatReport> reports) {
        return locked(() -> {
            int changed = 0;
            for (HeartbeatReport report : reports) {
                MemoryRow row = rows.get(report.instanceId());
                if (row == null) {
                    continue;
                }
                Instant at = millis(report.at());
                if (report.alive()) {
                    row.heartbeatAt = at.isAfter(row.heartbeatAt) ? at : row.heartbeatAt;
                    changed++;
                } else if (isLive(row.state)) {
                    row.heartbeatAt = at.isAfter(row.heartbeatAt) ? at : row.heartbeatAt;
                    row.state = InstanceState.LOST;
                    changed++;
                }
            }
            return changed;
        });
    }

    @Override
    public int applyBeats(Collection<AgentBeat> agents, Collection<HeartbeatReport> instances) {
        int changed = locked(() -> {
            for (AgentBeat beat : agents) {
                agentBeats.merge(beat.agentId(), millis(beat.at()), (a, b) -> a.isAfter(b) ? a : b);
            }
            return agents.size();
        });
        return changed + (instances.isEmpty() ? 0 : applyHeartbeats(instances));
    }

    @Override
    public int pruneAgents(Instant silentBefore) {
        Instant before = millis(silentBefore);
        return locked(() -> {
            Set<String> owners = new HashSet<>();
            for (MemoryRow row : rows.values()) {
                owners.add(row.agentId);
            }
            int before0 = agentBeats.size();
            agentBeats.entrySet().removeIf(e -> e.getValue().isBefore(before) && !owners.contains(e.getKey()));
            return before0 - agentBeats.size();
        });
    }

    @Override
    public List<Instance> markLost(String pool, Instant staleBefore) {
        Instant before = millis(staleBefore);
        return locked(() -> {
            List<Instance> lost = new ArrayList<>();
            for (MemoryRow row : rows.values()) {
                if (inPool(row, pool) && isLive(row.state) && !fresh(row, before)) {
                    row.state = InstanceState.LOST;
                    lost.add(row.toInstance());
                }
            }
            return lost;
        });
    }

    @Override
    public List<Instance> expiredSessions(String pool, Instant now) {
        Instant at = millis(now);
        return locked(() -> rows.values().stream()
                .filter(r -> inPool(r, pool) && r.state == InstanceState.CLAIMED
                        && r.sessionExpiresAt != null && r.sessionExpiresAt.isBefore(at))
                .sorted(Comparator.comparing((MemoryRow r) -> r.sessionExpiresAt).thenComparing(r -> r.id))
                .map(MemoryRow::toInstance)
                .toList());
    }

    @Override
    public List<Instance> list(String pool) {
        return locked(() -> rows.values().stream().filter(r -> inPool(r, pool)).map(MemoryRow::toInstance).toList());
    }

    @Override
    public List<Instance> sessions(String sessionIdPrefix, int limit) {
        return locked(() -> rows.values().stream()
                .filter(r -> r.sessionId != null && r.sessionId.startsWith(sessionIdPrefix))
                .sorted(Comparator.comparing((MemoryRow r) -> r.sessionId))
                .limit(limit).map(MemoryRow::toInstance).toList());
    }

    @Override
    public int countSessions(String sessionIdPrefix) {
        return locked(() -> (int) sessions.keySet().stream().filter(s -> s.startsWith(sessionIdPrefix)).count());
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
                && fresh(r, fresh), limit);
    }

    /** Rows matching {@code filter}, by id, at most {@code limit}. */
    private List<Instance> select(java.util.function.Predicate<MemoryRow> filter, int limit) {
        return locked(() -> rows.values().stream().filter(filter).limit(limit).map(MemoryRow::toInstance).toList());
    }

    @Override
    public PoolCounts counts(String pool) {
        return locked(() -> {
            int[] n = new int[InstanceState.values().length];
            rows.values().stream().filter(r -> inPool(r, pool)).forEach(r -> n[r.state.ordinal()]++);
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

    /** Whether the row's own heartbeat or its agent's beat is at or after {@code bound}; called with lock held. */
    private boolean fresh(MemoryRow row, Instant bound) {
        if (!row.heartbeatAt.isBefore(bound)) {
            return true;
        }
        Instant agent = row.agentId == null ? null : agentBeats.get(row.agentId);
        return agent != null && !agent.isBefore(bound);
    }

    private void moveTo(MemoryRow row, InstanceState to) { // called with lock held
        if (to == InstanceState.GONE) {
            rows.remove(row.id);
            if (row.sessionId != null) {
                sessions.remove(row.sessionId);
            }
            return;
        }
        if (to == InstanceState.WARM && row.state != InstanceState.WARM) {
            row.pick = random.nextLong();
        }
        row.state = to;
    }

    private void clearSession(MemoryRow row) { // called with lock held
        if (row.sessionId != null) {
            sessions.remove(row.sessionId);
        }
        row.sessionId = null;
        row.claimedAt = null;
        row.sessionExpiresAt = null;
        row.keepAliveMillis = 0;
    }

    /** The states markLost and a dead-process heartbeat may move to LOST. */
    private static boolean isLive(InstanceState state) {
        return state == InstanceState.STARTING || state == InstanceState.WARM || state == InstanceState.CLAIMED;
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
