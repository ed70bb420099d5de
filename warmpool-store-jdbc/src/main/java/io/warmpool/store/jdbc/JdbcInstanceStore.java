package io.warmpool.store.jdbc;

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

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

import static io.warmpool.store.jdbc.InstanceRows.COLUMNS;
import static io.warmpool.store.jdbc.InstanceRows.UNBIND;
import static io.warmpool.store.jdbc.Sql.all;
import static io.warmpool.store.jdbc.Sql.first;
import static io.warmpool.store.jdbc.Sql.update;

/**
 * The {@link InstanceStore} on a JDBC database: one row per instance in {@code instances}, its session on the
 * same row. Open one with {@link SqliteInstanceStore#open} or {@link PostgresInstanceStore#open}.
 *
 * <p>A claim is one conditional {@code UPDATE … RETURNING}: the first {@code candidates} warm, fresh rows in
 * {@code pick} order (a key re-drawn whenever a row turns WARM, see {@link Picks}) come from the {@code instances_claim}
 * index, one of them is chosen at random, and the update re-checks {@code state = 'WARM'}; on PostgreSQL the
 * candidates are locked with {@code FOR UPDATE SKIP LOCKED}. Fresh means the row's own heartbeat or its agent's
 * beat is recent ({@link AgentLiveness}). On SQLite the candidates come from the first {@link ClaimStatement#CLAIM_SCAN} warm rows
 * in pick order at most, so a claim's cost is bounded even when most of the warm set is stale. A session id binds at most one instance
 * ({@code session_id} is UNIQUE): a claim with a bound id returns that instance while it is CLAIMED and empty
 * once it was LOST.
 *
 * <p>Claims and releases go through a {@link ClaimPath}: concurrent ones share one transaction ({@link ClaimCombiner},
 * group commit), each still one conditional write.
 *
 * <p>Times are stored as epoch milliseconds. Every method is one transaction; an {@link SQLException} becomes a
 * {@link StoreException} naming the operation and keeping the SQLState, after rolling back. Thread-safe.
 */
public sealed class JdbcInstanceStore implements InstanceStore
        permits SqliteInstanceStore, PostgresInstanceStore {

    private final String name;
    private final Dialect dialect;
    private final ConnectionSource connections;
    private final ConnectionSource claimConnections; // claims' and releases' own, or the same as connections
    private final ClaimStatement claims;
    private final ClaimPath claimPath;
    private final Transactions tx;
    private final TargetedQueries queries;
    private final boolean ownsConnections; // false for a fenced view

    JdbcInstanceStore(String name, Dialect dialect, ConnectionSource connections) {
        this(name, dialect, connections, connections, null);
    }

    /** A store whose claims and releases run on {@code claimConnections}, everything else on {@code connections}. */
    JdbcInstanceStore(String name, Dialect dialect, ConnectionSource connections, ConnectionSource claimConnections) {
        this(name, dialect, connections, claimConnections, null);
    }

    private JdbcInstanceStore(String name, Dialect dialect, ConnectionSource connections,
                              ConnectionSource claimConnections, Transactions.Work<Void> fence) {
        this.name = name;
        this.dialect = dialect;
        this.connections = connections;
        this.claimConnections = claimConnections;
        this.claims = new ClaimStatement(dialect);
        this.tx = new Transactions(name, dialect, connections, fence);
        this.queries = new TargetedQueries(tx, dialect);
        this.ownsConnections = fence == null;
        // a fenced view's claims run alone, each with its fence, on the store's connections
        Transactions claimTx = fence == null && claimConnections != connections
                ? new Transactions(name, dialect, claimConnections) : tx;
        this.claimPath = new ClaimPath(name, dialect, claimTx, claims, fence == null, this::findBySession);
    }

    @Override
    public void insert(Instance instance) {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(instance.heartbeatAt(), "heartbeatAt");
        if (instance.state() == InstanceState.GONE) {
            throw new IllegalArgumentException("cannot insert an instance in state GONE (id=" + instance.id() + ")");
        }
        tx.inTransaction("insert", c -> {
            AgentLiveness.register(c, instance.agentId());
            try (PreparedStatement s = c.prepareStatement(InstanceRows.INSERT)) {
                InstanceRows.bindInsert(s, instance, newPick());
                return s.executeUpdate();
            }
        });
    }

    @Override
    public boolean markWarm(String instanceId, String cdpUrl, String agentUrl, Instant now) {
        return tx.call("markWarm", c -> update(c, "UPDATE instances SET state = 'WARM', cdp_url = ?, agent_url = ?,"
                + " heartbeat_at = ?, pick = ? WHERE id = ? AND state = 'STARTING'",
                cdpUrl, agentUrl, now.toEpochMilli(), newPick(), instanceId)) == 1;
    }

    /** See {@link ClaimPath#claim}: group commit with the shard's other claims and releases. */
    @Override
    public Optional<Instance> claim(ClaimRequest request) {
        return claimPath.claim(request);
    }

    @Override
    public Optional<Instance> findBySession(String sessionId) {
        return tx.call("findBySession", c -> first(c, "SELECT " + COLUMNS + " FROM instances WHERE session_id = ?",
                sessionId));
    }

    @Override
    public Optional<Instance> find(String instanceId) {
        return tx.call("find", c -> first(c, "SELECT " + COLUMNS + " FROM instances WHERE id = ?", instanceId));
    }

    @Override
    public boolean touchSession(String sessionId, Instant expiresAt) {
        long at = expiresAt.toEpochMilli();
        return tx.call("touchSession", c -> update(c, "UPDATE instances SET session_expires_at = CASE WHEN"
                + " session_expires_at IS NULL OR session_expires_at < ? THEN ? ELSE session_expires_at END"
                + " WHERE session_id = ? AND state = 'CLAIMED'", at, at, sessionId)) == 1;
    }

    @Override
    public Optional<Instance> release(String sessionId, InstanceState next) {
        Objects.requireNonNull(next, "next");
        if (next == InstanceState.CLAIMED) {
            throw new IllegalArgumentException("release cannot move an instance to CLAIMED (session=" + sessionId + ")");
        }
        return claimPath.release(sessionId, next);
    }

    @Override
    public boolean transition(String instanceId, InstanceState from, InstanceState to) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (to == InstanceState.CLAIMED || from == InstanceState.GONE || from == to) {
            throw new IllegalArgumentException("transition " + from + " -> " + to + " is not allowed (id=" + instanceId
                    + "); claim() is the only way to CLAIMED");
        }
        return tx.call("transition", c -> switch (to) {
            case GONE -> update(c, "DELETE FROM instances WHERE id = ? AND state = ?", instanceId, from.name());
            case LOST -> update(c, "UPDATE instances SET state = 'LOST' WHERE id = ? AND state = ?",
                    instanceId, from.name());
            default -> update(c, "UPDATE instances SET state = ?, pick = ?, " + UNBIND + " WHERE id = ? AND state = ?",
                    to.name(), newPick(), instanceId, from.name());
        }) == 1;
    }

    @Override
    public int applyHeartbeats(Collection<HeartbeatReport> reports) {
        if (reports.isEmpty()) {
            return 0;
        }
        return tx.inTransaction("applyHeartbeats", c -> {
            relaxCommit(c);
            return instanceBeats(c, reports);
        });
    }

    /**
     * A heartbeat batch is soft state: on PostgreSQL its commit does not wait for the WAL flush (an fsync per batch
     * capped the writer at a few hundred batches a second here). A crash may lose the last fraction of a second of
     * beats, never consistency, and the next report rewrites them; claims and releases stay synchronous. SQLite in WAL
     * mode with synchronous=NORMAL does not sync on commit anyway.
     */
    private void relaxCommit(Connection c) throws SQLException {
        if (dialect == Dialect.POSTGRES) {
            try (PreparedStatement s = c.prepareStatement("SET LOCAL synchronous_commit TO OFF")) {
                s.execute();
            }
        }
    }

    @Override
    public int applyBeats(Collection<AgentBeat> agents, Collection<HeartbeatReport> instances) {
        if (agents.isEmpty() && instances.isEmpty()) {
            return 0;
        }
        return tx.inTransaction("applyBeats", c -> {
            relaxCommit(c);
            return AgentLiveness.beat(c, agents) + (instances.isEmpty() ? 0 : instanceBeats(c, instances));
        });
    }

    private int instanceBeats(Connection c, Collection<HeartbeatReport> reports) throws SQLException {
        return dialect == Dialect.POSTGRES ? PostgresHeartbeats.apply(c, reports) : SqliteHeartbeats.apply(c, reports);
    }

    @Override
    public List<Instance> markLost(String pool, Instant staleBefore) {
        long before = staleBefore.toEpochMilli();
        return tx.inTransaction("markLost", c -> AgentLiveness.markLost(c, pool, before));
    }

    @Override
    public int pruneAgents(Instant silentBefore) {
        return tx.call("pruneAgents", c -> AgentLiveness.prune(c, silentBefore.toEpochMilli()));
    }

    @Override
    public List<Instance> expiredSessions(String pool, Instant now) {
        long at = now.toEpochMilli();
        String sql = "SELECT " + COLUMNS + " FROM instances WHERE " + (pool == null ? "" : "pool = ? AND ")
                + "state = 'CLAIMED' AND session_expires_at < ? ORDER BY session_expires_at, id";
        return tx.call("expiredSessions", c -> pool == null ? all(c, sql, at) : all(c, sql, pool, at));
    }

    @Override
    public List<Instance> list(String pool) {
        return tx.call("list", c -> pool == null
                ? all(c, "SELECT " + COLUMNS + " FROM instances ORDER BY id")
                : all(c, "SELECT " + COLUMNS + " FROM instances WHERE pool = ? ORDER BY id", pool));
    }

    @Override
    public SearchPage search(InstanceState state, String text, int offset, int limit) {
        return tx.call("search", c -> InstanceSearch.run(c, state, text, offset, limit));
    }

    @Override
    public List<Instance> sessions(String sessionIdPrefix, int limit) {
        return queries.sessions(sessionIdPrefix, limit);
    }

    @Override
    public int countSessions(String sessionIdPrefix) {
        return queries.countSessions(sessionIdPrefix);
    }

    @Override
    public List<Instance> lost(String pool, int limit) {
        return queries.lost(pool, limit);
    }

    @Override
    public List<Instance> dueForRecycle(String pool, Instant now, int limit) {
        return queries.dueForRecycle(pool, now, limit);
    }

    @Override
    public List<Instance> idle(String pool, int limit) {
        return queries.idle(pool, limit);
    }

    @Override
    public List<Instance> byAgent(String agentId) {
        return queries.byAgent(agentId);
    }

    @Override
    public List<Instance> warmMembers(String pool, String version, Instant freshAfter, int limit) {
        return queries.warmMembers(pool, version, freshAfter, limit);
    }

    @Override
    public PoolCounts counts(String pool) {
        return tx.call("counts", c -> PoolCountQueries.all(c, pool));
    }

    @Override
    public PoolCounts counts(String pool, int atMost) {
        return tx.call("counts", c -> PoolCountQueries.bounded(c, pool, atMost));
    }

    @Override
    public Optional<LeaderTerm> lead(String lease, String holder, Instant now, Duration period) {
        return tx.inTransaction("lead", c -> LeaseRows.lead(c, lease, holder, now, period));
    }

    @Override
    public LeaderTerm seize(String lease, String holder, Instant now, Duration period) {
        return tx.inTransaction("seize", c -> LeaseRows.seize(c, lease, holder, now, period));
    }

    @Override
    public void resign(String lease, String holder, long token) {
        tx.call("resign", c -> {
            LeaseRows.resign(c, lease, holder, token);
            return null;
        });
    }

    @Override
    public Duration takeRate(String key, RateLimit limit, Instant now) {
        return tx.inTransaction("takeRate", c -> GatewayRows.take(c, dialect, key, limit, now));
    }

    @Override
    public RateLimit.Allowance peekRate(String key, RateLimit limit, Instant now) {
        return tx.call("peekRate", c -> GatewayRows.peek(c, key, limit, now));
    }

    @Override
    public void publishLag(String gateway, Duration lag, Instant now) {
        tx.call("publishLag", c -> {
            GatewayRows.publish(c, gateway, lag, now);
            return null;
        });
    }

    @Override
    public Duration worstLag(Instant liveAfter) {
        return tx.call("worstLag", c -> GatewayRows.worst(c, liveAfter));
    }

    @Override
    public void registerAgent(io.warmpool.AgentRegistration agent, Instant now) {
        tx.call("registerAgent", c -> {
            AgentRegistrations.register(c, agent, now);
            return null;
        });
    }

    @Override
    public List<io.warmpool.AgentRegistration> liveAgents(String region, Instant liveAfter) {
        return tx.call("liveAgents", c -> AgentRegistrations.live(c, region, liveAfter));
    }

    @Override
    public InstanceStore fenced(String lease, LongSupplier token) {
        return new JdbcInstanceStore(name + " (fenced by " + lease + ")", dialect, connections, connections,
                LeaseRows.fence(lease, token));
    }

    /**
     * Stops the claim combiner (claims still queued fail with "closed") and closes the store's connections (a fenced
     * view leaves them to its store). Idempotent.
     */
    @Override
    public void close() {
        claimPath.close();
        if (ownsConnections) {
            connections.close();
            if (claimConnections != connections) {
                claimConnections.close();
            }
        }
    }

    @Override
    public String toString() {
        return name;
    }

    /** The claim statement as this store runs it (for plan checks and benchmarks). */
    String claimSql() {
        return claims.sql();
    }

    Dialect dialect() {
        return dialect;
    }

    /** The claim combiner (null in a fenced view), for tests that look at its batches. */
    ClaimCombiner combiner() {
        return claimPath.combiner();
    }

    /** The targeted queries' statements by name, with the LOST sweep and the bounded counts (for plan checks). */
    Map<String, String> targetedStatements() {
        Map<String, String> all = new java.util.TreeMap<>(queries.statements());
        all.putAll(AgentLiveness.statements());
        all.put("boundedCounts", PoolCountQueries.BOUNDED);
        return all;
    }

    /** Runs {@code work} on a connection of the store's claims and releases (for tests of their settings). */
    <T> T callOnClaimConnection(String operation, Transactions.Work<T> work) {
        return claimPath.call(operation, work);
    }

    /** Runs {@code work} on one of the store's connections, with the store's error handling. */
    <T> T call(String operation, Transactions.Work<T> work) {
        return tx.call(operation, work);
    }

    /** Runs {@code work} in one transaction, rolled back if it throws. */
    <T> T inTransaction(String operation, Transactions.Work<T> work) {
        return tx.inTransaction(operation, work);
    }

    private static long newPick() {
        return Picks.random();
    }

}
