package io.warmpool.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Fills a shard that its store has just migrated with {@code count} WARM rows of one pool, fast and outside the
 * store (raw JDBC): SQLite through {@link WarmRows}, PostgreSQL with one {@code INSERT … SELECT} over
 * {@code generate_series}. Row {@code i} is {@code i-%08d}, owned by agent {@code a-(i / 100)}, every
 * agent with a row in {@code agents}.
 */
final class ShardFill {

    private ShardFill() {
    }

    static void sqlite(String file, String pool, String version, int count, long heartbeatAt) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            WarmRows.insert(c, "bench", pool, version, count, heartbeatAt);
        }
    }

    static void postgres(String url, String schema, String pool, String version, int count, long heartbeatAt)
            throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("SET search_path TO " + schema);
            s.execute("INSERT INTO instances (id, region, pool, zone, agent_id, version, state, uses, started_at,"
                    + " heartbeat_at, retire_at, pick, keep_alive_ms) SELECT 'i-' || lpad(g::text, 8, '0'), 'bench', '"
                    + pool + "', 'bench-a', 'a-' || (g / " + ShardBench.PER_AGENT + "), '" + version + "', 'WARM', 0, " + heartbeatAt + ", "
                    + heartbeatAt + ", " + (heartbeatAt + 86_400_000L) + ", (random() * 9.2e18)::bigint, 0"
                    + " FROM generate_series(0, " + (count - 1) + ") g");
            s.execute("INSERT INTO agents (agent_id, heartbeat_at) SELECT agent_id, MAX(heartbeat_at) FROM instances"
                    + " GROUP BY agent_id ON CONFLICT (agent_id) DO NOTHING");
            s.execute("VACUUM ANALYZE instances");
            s.execute("VACUUM ANALYZE agents");
        }
    }

    static void dropSchema(String url, String schema) {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            System.err.println("cleanup: could not drop schema " + schema + ": " + e.getMessage());
        }
    }
}
