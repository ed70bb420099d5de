package io.warmpool.store.jdbc;

import io.warmpool.Instance;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.warmpool.store.jdbc.InstanceRows.COLUMNS;
import static io.warmpool.store.jdbc.Sql.all;

/**
 * The store's targeted reads: each names the index that serves it (see {@link Migrations}) and reads only the
 * rows it returns, so that no request or housekeeping run reads a whole shard. Thread-safe.
 */
final class TargetedQueries {

    private static final String LOST = "SELECT " + COLUMNS + " FROM instances WHERE pool = ? AND state = 'LOST' LIMIT ?";
    private static final String DUE = "SELECT " + COLUMNS + " FROM instances WHERE pool = ? AND state = 'WARM'"
            + " AND retire_at <= ? LIMIT ?";
    private static final String IDLE = "SELECT " + COLUMNS + " FROM instances WHERE pool = ? AND state = 'WARM' LIMIT ?";
    private static final String BY_AGENT = "SELECT " + COLUMNS + " FROM instances WHERE agent_id = ? ORDER BY id";
    private static final String MEMBERS = "SELECT " + COLUMNS + " FROM (SELECT " + COLUMNS + " FROM instances"
            + " WHERE pool = ? AND state = 'WARM' AND version = ? AND " + AgentLiveness.FRESH + " LIMIT ?) m ORDER BY id";

    private final Transactions tx;
    private final String sessions;
    private final String countSessions;

    TargetedQueries(Transactions tx, Dialect dialect) {
        this.tx = tx;
        String key = dialect.sessionKey();
        this.sessions = "SELECT " + COLUMNS + " FROM instances WHERE " + key + " >= ? AND " + key + " < ? ORDER BY "
                + key + " LIMIT ?";
        this.countSessions = "SELECT COUNT(*) FROM instances WHERE " + key + " >= ? AND " + key + " < ?";
    }

    /** Every statement here by name, with the dialect's session key (for plan checks). */
    Map<String, String> statements() {
        return Map.of("sessions", sessions, "countSessions", countSessions, "lost", LOST, "dueForRecycle", DUE,
                "idle", IDLE, "byAgent", BY_AGENT, "warmMembers", MEMBERS);
    }

    /** A prefix range on the session id ({@code instances_session_key}): {@code [prefix, next(prefix))}. */
    List<Instance> sessions(String prefix, int limit) {
        return tx.call("sessions", c -> all(c, sessions, prefix, upperBound(prefix), limit));
    }

    int countSessions(String prefix) {
        return tx.call("countSessions", c -> {
            try (PreparedStatement s = c.prepareStatement(countSessions)) {
                Sql.bind(s, prefix, upperBound(prefix));
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /** {@code instances_claim}: equality on pool and state. */
    List<Instance> lost(String pool, int limit) {
        return tx.call("lost", c -> all(c, LOST, pool, limit));
    }

    /** {@code instances_retire}: equality on pool, a range on retire_at; the state of the due rows filtered. */
    List<Instance> dueForRecycle(String pool, Instant now, int limit) {
        return tx.call("dueForRecycle", c -> all(c, DUE, pool, now.toEpochMilli(), limit));
    }

    /** {@code instances_claim}: equality on pool and state, stops after {@code limit}. */
    List<Instance> idle(String pool, int limit) {
        return tx.call("idle", c -> all(c, IDLE, pool, limit));
    }

    /** {@code instances_agent}. */
    List<Instance> byAgent(String agentId) {
        return tx.call("byAgent", c -> all(c, BY_AGENT, agentId));
    }

    /** {@code instances_claim}: equality on pool, state and version; freshness filtered on the way. */
    List<Instance> warmMembers(String pool, String version, Instant freshAfter, int limit) {
        return tx.call("warmMembers", c -> all(c, MEMBERS, pool, version, freshAfter.toEpochMilli(),
                freshAfter.toEpochMilli(), limit));
    }

    /** The smallest string greater than every string starting with {@code prefix} (code-point order). */
    static String upperBound(String prefix) {
        if (prefix.isEmpty()) {
            return String.valueOf(Character.MAX_VALUE);
        }
        int last = prefix.length() - 1;
        return prefix.substring(0, last) + (char) (prefix.charAt(last) + 1);
    }
}
