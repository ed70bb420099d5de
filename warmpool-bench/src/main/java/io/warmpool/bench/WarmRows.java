package io.warmpool.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Fills a store's {@code instances} table with warm rows of one pool, fast: raw JDBC on the store's own file, one
 * transaction, the table's secondary indexes dropped during the load and rebuilt from their own stored DDL (so the
 * benchmark always measures the schema the store migrated to, not a copy of it). Not thread-safe.
 */
final class WarmRows {

    private static final String INSERT = "INSERT INTO instances (id, region, pool, zone, agent_id, version, state,"
            + " uses, started_at, heartbeat_at, retire_at, pick, keep_alive_ms) VALUES (?, ?, ?, ?, ?, ?, 'WARM', 0, ?,"
            + " ?, ?, ?, 0)";

    private WarmRows() {
    }

    /**
     * Inserts {@code count} WARM rows of {@code pool}/{@code version}, each with a heartbeat at {@code heartbeatAt}
     * (epoch millis) and a random {@code pick}; row {@code i} belongs to agent {@code a-(i / 100)}, whose row in
     * {@code agents} gets the same beat.
     */
    static void insert(Connection c, String region, String pool, String version, int count, long heartbeatAt)
            throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA cache_size = -262144"); // 256 MiB for the index rebuild
            List<String[]> indexes = secondaryIndexes(s);
            for (String[] index : indexes) {
                s.execute("DROP INDEX " + index[0]);
            }
            SplittableRandom random = new SplittableRandom(42);
            try (PreparedStatement insert = c.prepareStatement(INSERT)) {
                for (int i = 0; i < count; i++) {
                    insert.setString(1, "i-%08d".formatted(i));
                    insert.setString(2, region);
                    insert.setString(3, pool);
                    insert.setString(4, region + "-a");
                    insert.setString(5, "a-" + i / ShardBench.PER_AGENT);
                    insert.setString(6, version);
                    insert.setLong(7, heartbeatAt);
                    insert.setLong(8, heartbeatAt);
                    insert.setLong(9, heartbeatAt + 86_400_000L);
                    insert.setLong(10, random.nextLong());
                    insert.addBatch();
                    if (i % 10_000 == 9_999) {
                        insert.executeBatch();
                    }
                }
                insert.executeBatch();
            }
            for (String[] index : indexes) {
                s.execute(index[1]);
            }
            // every agent known, with the rows' heartbeat as its last beat (see the store's AgentLiveness)
            s.execute("INSERT INTO agents (agent_id, heartbeat_at) SELECT agent_id, MAX(heartbeat_at) FROM instances"
                    + " WHERE agent_id IS NOT NULL GROUP BY agent_id ON CONFLICT (agent_id) DO NOTHING");
            c.commit();
            s.execute("PRAGMA cache_size = -2000");
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
        try (Statement s = c.createStatement()) {
            // the load went through the WAL: fold it into the database now, not during the first measured operations
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
    }

    /** Name and DDL of every explicitly created index of {@code instances} (not the automatic ones). */
    private static List<String[]> secondaryIndexes(Statement s) throws SQLException {
        List<String[]> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT name, sql FROM sqlite_master WHERE type = 'index'"
                + " AND tbl_name = 'instances' AND sql IS NOT NULL")) {
            while (rs.next()) {
                out.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        return out;
    }
}
