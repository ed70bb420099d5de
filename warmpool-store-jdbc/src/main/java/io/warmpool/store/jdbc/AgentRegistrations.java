package io.warmpool.store.jdbc;

import io.warmpool.AgentRegistration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.warmpool.store.jdbc.Sql.bind;
import static io.warmpool.store.jdbc.Sql.update;

/**
 * Agent registrations on the rows of {@code agents} (schema version 7): the row that carries an agent's beat also
 * carries where it listens, its region, zone, pools (comma-joined) and capacity, so that whichever gateway leads the
 * region places starts on it, and its heartbeats (to any gateway) keep it live. The same SQL runs on SQLite and
 * PostgreSQL. Stateless; thread-safe.
 */
final class AgentRegistrations {

    private static final String REGISTER = "INSERT INTO agents (agent_id, heartbeat_at, region, zone, url, pools,"
            + " capacity) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (agent_id) DO UPDATE SET region = excluded.region,"
            + " zone = excluded.zone, url = excluded.url, pools = excluded.pools, capacity = excluded.capacity,"
            + " heartbeat_at = CASE WHEN agents.heartbeat_at < excluded.heartbeat_at THEN excluded.heartbeat_at"
            + " ELSE agents.heartbeat_at END";
    private static final String LIVE = "SELECT agent_id, region, zone, url, pools, capacity FROM agents"
            + " WHERE region = ? AND heartbeat_at >= ? ORDER BY agent_id";

    private AgentRegistrations() {
    }

    static void register(Connection c, AgentRegistration a, Instant now) throws SQLException {
        update(c, REGISTER, a.agentId(), now.toEpochMilli(), a.region(), a.zone(), a.url(), String.join(",", a.pools()),
                a.capacity());
    }

    static List<AgentRegistration> live(Connection c, String region, Instant liveAfter) throws SQLException {
        List<AgentRegistration> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(LIVE)) {
            bind(s, region, liveAfter.toEpochMilli());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String pools = rs.getString(5);
                    out.add(new AgentRegistration(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            pools.isEmpty() ? List.of() : Arrays.asList(pools.split(",")), rs.getInt(6)));
                }
            }
        }
        return out;
    }
}
