package io.warmpool.store.jdbc;

import io.warmpool.AgentBeat;
import io.warmpool.Instance;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.warmpool.store.jdbc.InstanceRows.COLUMNS;
import static io.warmpool.store.jdbc.InstanceRows.LIVE;
import static io.warmpool.store.jdbc.Sql.all;
import static io.warmpool.store.jdbc.Sql.bind;

/**
 * Liveness per agent: one row per agent in {@code agents} with its latest beat, so that an agent's report of all its
 * instances costs one row write instead of one per instance. An instance is fresh while its own {@code heartbeat_at}
 * or its agent's beat is recent; every instance of an agent has an agent row (created at insert with beat 0, "known,
 * never beat"), so that staleness is found from the stale agents ({@code agents_stale}) and, for instances without an
 * agent, from their own heartbeats ({@code instances_stale}, a partial index on those rows only): the LOST sweep's
 * cost follows what is stale, not the shard. Statements run inside the caller's transaction. Stateless.
 */
final class AgentLiveness {

    /** The freshness test of a candidate row of {@code instances}; two parameters, both the fresh bound. */
    static final String FRESH = fresh("instances");

    private static final String REGISTER = "INSERT INTO agents (agent_id, heartbeat_at) VALUES (?, 0)"
            + " ON CONFLICT (agent_id) DO NOTHING";
    private static final String BEAT = "INSERT INTO agents (agent_id, heartbeat_at) VALUES (?, ?)"
            + " ON CONFLICT (agent_id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at"
            + " WHERE agents.heartbeat_at < excluded.heartbeat_at";
    private static final String LOSE_AGENTLESS = "UPDATE instances SET state = 'LOST' WHERE %s state IN " + LIVE
            + " AND agent_id IS NULL AND heartbeat_at < ? RETURNING " + COLUMNS;
    private static final String LOSE_BY_AGENT = "UPDATE instances SET state = 'LOST' WHERE agent_id IN"
            + " (SELECT agent_id FROM agents WHERE heartbeat_at < ?) AND %s state IN " + LIVE
            + " AND heartbeat_at < ? RETURNING " + COLUMNS;

    private static final String PRUNE = "DELETE FROM agents WHERE heartbeat_at < ? AND NOT EXISTS"
            + " (SELECT 1 FROM instances WHERE instances.agent_id = agents.agent_id)";

    private AgentLiveness() {
    }

    /** Deletes the agents silent since before {@code silentBefore} that own no instance; how many. */
    static int prune(Connection c, long silentBefore) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(PRUNE)) {
            s.setLong(1, silentBefore);
            return s.executeUpdate();
        }
    }

    /**
     * The freshness test of a row of {@code table} (an alias of {@code instances}); two parameters, the bound. The
     * agent's beat is a correlated scalar lookup (one probe of the agents' key per candidate row, and only when the
     * row's own heartbeat is old), not {@code OR EXISTS}: PostgreSQL turned that into a hashed subplan that read and
     * hashed every fresh agent (10,000 at a million instances) on each claim. A missing agent row gives NULL: not fresh.
     */
    static String fresh(String table) {
        return "(" + table + ".heartbeat_at >= ? OR (SELECT a.heartbeat_at FROM agents a WHERE a.agent_id = " + table
                + ".agent_id) >= ?)";
    }

    /** Makes sure {@code agentId} has a row (beat 0 when new), so that its instances' staleness can be found. */
    static void register(Connection c, String agentId) throws SQLException {
        if (agentId == null) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement(REGISTER)) {
            s.setString(1, agentId);
            s.executeUpdate();
        }
    }

    /**
     * Moves each agent's beat forward to the latest of {@code beats} (never backwards), in agent id order so that two
     * writers never deadlock on PostgreSQL.
     *
     * @return agent rows written
     */
    static int beat(Connection c, Collection<AgentBeat> beats) throws SQLException {
        if (beats.isEmpty()) {
            return 0;
        }
        Map<String, Long> latest = new TreeMap<>();
        for (AgentBeat b : beats) {
            latest.merge(b.agentId(), b.at().toEpochMilli(), Math::max);
        }
        try (PreparedStatement s = c.prepareStatement(BEAT)) {
            for (Map.Entry<String, Long> e : latest.entrySet()) {
                bind(s, e.getKey(), e.getValue());
                s.addBatch();
            }
            return SqliteHeartbeats.changed(s.executeBatch());
        }
    }

    /** Marks LOST the live instances of {@code pool} (null: every pool) that are stale by both measures. */
    static List<Instance> markLost(Connection c, String pool, long staleBefore) throws SQLException {
        String inPool = pool == null ? "" : "pool = ? AND";
        List<Instance> lost = new ArrayList<>(pool == null
                ? all(c, LOSE_AGENTLESS.formatted(inPool), staleBefore)
                : all(c, LOSE_AGENTLESS.formatted(inPool), pool, staleBefore));
        lost.addAll(pool == null
                ? all(c, LOSE_BY_AGENT.formatted(inPool), staleBefore, staleBefore)
                : all(c, LOSE_BY_AGENT.formatted(inPool), staleBefore, pool, staleBefore));
        return lost;
    }

    /** The statements here by name (for plan checks); the pool-filtered forms. */
    static Map<String, String> statements() {
        return Map.of("markLostAgentless", LOSE_AGENTLESS.formatted("pool = ? AND"),
                "markLostByAgent", LOSE_BY_AGENT.formatted("pool = ? AND"), "pruneAgents", PRUNE);
    }
}
