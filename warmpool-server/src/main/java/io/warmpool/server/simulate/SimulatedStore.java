package io.warmpool.server.simulate;

import io.warmpool.ClaimRequest;
import io.warmpool.HeartbeatReport;
import io.warmpool.Instance;
import io.warmpool.InstanceState;
import io.warmpool.LeaderTerm;
import io.warmpool.PoolCounts;
import io.warmpool.StoreException;
import io.warmpool.spi.InstanceStore;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * An indexed in-memory {@link InstanceStore} for the simulator: O(1) claim, release, transition and counts, so that
 * millions of acquires replay in seconds. Same state machine as the real stores, with two simplifications that hold
 * in a simulation: simulated agents never miss a heartbeat (every instance is fresh, {@code markLost} finds none),
 * and the claim takes the instance that has been warm longest instead of a random one among the best few (all warm
 * instances are equal here). Not thread-safe: confined to the simulator's one thread, like everything it drives.
 */
final class SimulatedStore implements InstanceStore {
    private final Map<String, Instance> rows = new HashMap<>();
    private final Map<String, String> sessions = new HashMap<>();
    private final Map<String, PoolIndex> pools = new HashMap<>();
    private final Map<String, LeaderTerm> leases = new HashMap<>();
    private final PoolLedger ledger;
    private int idle; // warm or starting, all pools
    private int claimed;
    private int live; // starting, warm, claimed or stopping

    private static final class PoolIndex {
        final LinkedHashSet<String> warm = new LinkedHashSet<>();
        final LinkedHashSet<String> claimed = new LinkedHashSet<>();
        final int[] counts = new int[InstanceState.values().length];
    }

    SimulatedStore(PoolLedger ledger) {
        this.ledger = ledger;
    }

    int idle() {
        return idle;
    }

    int claimed() {
        return claimed;
    }

    int live() {
        return live;
    }

    @Override
    public void insert(Instance instance) {
        if (rows.containsKey(instance.id())) {
            throw new StoreException("insert: instance '" + instance.id() + "' already exists", "23505", null);
        }
        put(instance);
    }

    @Override
    public boolean markWarm(String instanceId, String cdpUrl, String agentUrl, Instant now) {
        Instance i = rows.get(instanceId);
        if (i == null || i.state() != InstanceState.STARTING) {
            return false;
        }
        replace(i, new Instance(i.id(), i.region(), i.pool(), i.zone(), i.agentId(), i.version(), InstanceState.WARM,
                null, cdpUrl, agentUrl, i.uses(), i.startedAt(), now, null, null, 0, i.retireAt()));
        return true;
    }

    @Override
    public Optional<Instance> claim(ClaimRequest request) {
        String bound = sessions.get(request.sessionId());
        if (bound != null) {
            Instance i = rows.get(bound);
            return i.state() == InstanceState.CLAIMED ? Optional.of(i) : Optional.empty();
        }
        PoolIndex index = pools.get(request.pool());
        if (index == null) {
            return Optional.empty();
        }
        for (String id : index.warm) {
            Instance i = rows.get(id);
            if (request.version().equals(i.version())) {
                long keepAlive = request.keepAlive().toMillis();
                Instance c = new Instance(i.id(), i.region(), i.pool(), i.zone(), i.agentId(), i.version(),
                        InstanceState.CLAIMED, request.sessionId(), i.cdpUrl(), i.agentUrl(), i.uses() + 1,
                        i.startedAt(), i.heartbeatAt(), request.now(), request.now().plusMillis(keepAlive), keepAlive,
                        i.retireAt());
                replace(i, c);
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    @Override
    public Optional<Instance> findBySession(String sessionId) {
        String id = sessions.get(sessionId);
        return id == null ? Optional.empty() : Optional.of(rows.get(id));
    }

    @Override
    public Optional<Instance> find(String instanceId) {
        return Optional.ofNullable(rows.get(instanceId));
    }

    @Override
    public boolean touchSession(String sessionId, Instant expiresAt) {
        Instance i = findBySession(sessionId).orElse(null);
        if (i == null || i.state() != InstanceState.CLAIMED) {
            return false;
        }
        replace(i, new Instance(i.id(), i.region(), i.pool(), i.zone(), i.agentId(), i.version(), i.state(),
                i.sessionId(), i.cdpUrl(), i.agentUrl(), i.uses(), i.startedAt(), i.heartbeatAt(), i.claimedAt(),
                expiresAt, i.keepAliveMillis(), i.retireAt()));
        return true;
    }

    @Override
    public Optional<Instance> release(String sessionId, InstanceState next) {
        Instance i = findBySession(sessionId).orElse(null);
        if (i == null) {
            return Optional.empty();
        }
        moveTo(i, next);
        return Optional.of(i);
    }

    @Override
    public boolean transition(String instanceId, InstanceState from, InstanceState to) {
        Instance i = rows.get(instanceId);
        if (i == null || i.state() != from) {
            return false;
        }
        moveTo(i, to);
        return true;
    }

    @Override
    public int applyHeartbeats(Collection<HeartbeatReport> reports) {
        return 0; // simulated agents are always fresh
    }

    @Override
    public int applyBeats(Collection<io.warmpool.AgentBeat> agents, Collection<HeartbeatReport> instances) {
        return 0; // simulated agents are always fresh
    }

    @Override
    public List<Instance> markLost(String pool, Instant staleBefore) {
        return List.of(); // simulated agents never miss a heartbeat
    }

    @Override
    public List<Instance> expiredSessions(String pool, Instant now) {
        PoolIndex index = pools.get(pool);
        List<Instance> out = new ArrayList<>();
        if (index != null) {
            for (String id : index.claimed) {
                Instance i = rows.get(id);
                if (i.sessionExpiresAt() != null && i.sessionExpiresAt().isBefore(now)) {
                    out.add(i);
                }
            }
        }
        return out;
    }

    @Override
    public List<Instance> list(String pool) {
        List<Instance> out = new ArrayList<>();
        for (Instance i : rows.values()) {
            if (pool == null || pool.equals(i.pool())) {
                out.add(i);
            }
        }
        return out;
    }

    @Override
    public List<Instance> sessions(String sessionIdPrefix, int limit) {
        List<Instance> out = new ArrayList<>();
        for (Map.Entry<String, String> e : sessions.entrySet()) {
            if (out.size() < limit && e.getKey().startsWith(sessionIdPrefix)) {
                out.add(rows.get(e.getValue()));
            }
        }
        out.sort(java.util.Comparator.comparing(Instance::sessionId));
        return out;
    }

    @Override
    public int countSessions(String sessionIdPrefix) {
        return (int) sessions.keySet().stream().filter(k -> k.startsWith(sessionIdPrefix)).count();
    }

    @Override
    public List<Instance> lost(String pool, int limit) {
        return List.of(); // simulated agents never miss a heartbeat
    }

    @Override
    public List<Instance> dueForRecycle(String pool, Instant now, int limit) {
        List<Instance> out = new ArrayList<>();
        PoolIndex index = pools.get(pool);
        if (index != null) {
            for (String id : index.warm) {
                Instance i = rows.get(id);
                if (out.size() < limit && !now.isBefore(i.retireAt())) {
                    out.add(i);
                }
            }
        }
        return out;
    }

    /** The instances warm longest first (the claim takes those first too). */
    @Override
    public List<Instance> idle(String pool, int limit) {
        List<Instance> out = new ArrayList<>();
        PoolIndex index = pools.get(pool);
        if (index != null) {
            for (String id : index.warm) {
                if (out.size() >= limit) {
                    break;
                }
                out.add(rows.get(id));
            }
        }
        return out;
    }

    @Override
    public List<Instance> byAgent(String agentId) {
        return list(null).stream().filter(i -> agentId.equals(i.agentId())).toList();
    }

    @Override
    public List<Instance> warmMembers(String pool, String version, Instant freshAfter, int limit) {
        List<Instance> out = new ArrayList<>(idle(pool, Integer.MAX_VALUE));
        out.removeIf(i -> !version.equals(i.version()));
        out.sort(java.util.Comparator.comparing(Instance::id));
        return out.size() > limit ? out.subList(0, limit) : out;
    }

    @Override
    public PoolCounts counts(String pool) {
        PoolIndex index = pools.get(pool);
        if (index == null) {
            return PoolCounts.EMPTY;
        }
        int[] n = index.counts;
        return new PoolCounts(n[InstanceState.STARTING.ordinal()], n[InstanceState.WARM.ordinal()],
                n[InstanceState.CLAIMED.ordinal()], n[InstanceState.STOPPING.ordinal()], n[InstanceState.LOST.ordinal()]);
    }

    @Override
    public PoolCounts counts(String pool, int atMost) {
        return counts(pool).atMost(atMost); // maintained counts: exact and O(1) already
    }

    // One simulated gateway: the lease follows the store contract's rules, and nothing is ever fenced.

    @Override
    public Optional<LeaderTerm> lead(String lease, String holder, Instant now, Duration period) {
        LeaderTerm current = leases.get(lease);
        Instant until = now.plus(period);
        if (current != null && !current.holder().equals(holder) && current.expiresAt().isAfter(now)) {
            return Optional.empty();
        }
        long token = current == null ? 1 : current.holder().equals(holder) ? current.token() : current.token() + 1;
        LeaderTerm term = new LeaderTerm(holder, token, until);
        leases.put(lease, term);
        return Optional.of(term);
    }

    @Override
    public LeaderTerm seize(String lease, String holder, Instant now, Duration period) {
        LeaderTerm current = leases.get(lease);
        LeaderTerm term = new LeaderTerm(holder, current == null ? 1 : current.token() + 1, now.plus(period));
        leases.put(lease, term);
        return term;
    }

    @Override
    public void resign(String lease, String holder, long token) {
        LeaderTerm current = leases.get(lease);
        if (current != null && current.holder().equals(holder) && current.token() == token) {
            leases.put(lease, new LeaderTerm(holder, token, Instant.EPOCH));
        }
    }

    // One simulated gateway: it never limits tenants nor reads other gateways' lag.

    @Override
    public Duration takeRate(String key, io.warmpool.RateLimit limit, Instant now) {
        throw new UnsupportedOperationException("the simulator has no tenants");
    }

    @Override
    public io.warmpool.RateLimit.Allowance peekRate(String key, io.warmpool.RateLimit limit, Instant now) {
        throw new UnsupportedOperationException("the simulator has no tenants");
    }

    @Override
    public void publishLag(String gateway, Duration lag, Instant now) {
        // one gateway: its own lag is all there is
    }

    @Override
    public Duration worstLag(Instant liveAfter) {
        return Duration.ZERO;
    }

    @Override
    public void registerAgent(io.warmpool.AgentRegistration agent, Instant now) {
        throw new UnsupportedOperationException("the simulator runs no remote agents");
    }

    @Override
    public java.util.List<io.warmpool.AgentRegistration> liveAgents(String region, Instant liveAfter) {
        return java.util.List.of(); // the simulator runs no remote agents
    }

    /** The simulator drives its pools directly on one thread with one holder: there is no other writer to fence. */
    @Override
    public InstanceStore fenced(String lease, LongSupplier token) {
        throw new UnsupportedOperationException("the simulator's store has one writer and is never fenced");
    }

    @Override
    public void close() {
        rows.clear();
    }

    private void moveTo(Instance i, InstanceState to) {
        if (to == InstanceState.GONE) {
            remove(i);
            return;
        }
        boolean unbind = to != InstanceState.CLAIMED && to != InstanceState.LOST;
        replace(i, new Instance(i.id(), i.region(), i.pool(), i.zone(), i.agentId(), i.version(), to,
                unbind ? null : i.sessionId(), i.cdpUrl(), i.agentUrl(), i.uses(), i.startedAt(), i.heartbeatAt(),
                unbind ? null : i.claimedAt(), unbind ? null : i.sessionExpiresAt(), unbind ? 0 : i.keepAliveMillis(),
                i.retireAt()));
    }

    private void replace(Instance old, Instance updated) {
        remove(old);
        put(updated);
    }

    private void put(Instance i) {
        rows.put(i.id(), i);
        if (i.sessionId() != null) {
            sessions.put(i.sessionId(), i.id());
        }
        PoolIndex index = pools.computeIfAbsent(i.pool(), p -> new PoolIndex());
        index.counts[i.state().ordinal()]++;
        if (i.state() == InstanceState.WARM) {
            index.warm.add(i.id());
        } else if (i.state() == InstanceState.CLAIMED) {
            index.claimed.add(i.id());
        }
        count(i.pool(), i.state(), 1);
    }

    private void remove(Instance i) {
        rows.remove(i.id());
        if (i.sessionId() != null) {
            sessions.remove(i.sessionId());
        }
        PoolIndex index = pools.get(i.pool());
        index.counts[i.state().ordinal()]--;
        index.warm.remove(i.id());
        index.claimed.remove(i.id());
        count(i.pool(), i.state(), -1);
    }

    private void count(String pool, InstanceState state, int delta) {
        switch (state) {
            case STARTING, WARM -> {
                idle += delta;
                ledger.idleChanged(pool, delta);
                live += delta;
            }
            case CLAIMED -> {
                claimed += delta;
                live += delta;
            }
            case STOPPING -> live += delta;
            default -> { }
        }
    }
}
