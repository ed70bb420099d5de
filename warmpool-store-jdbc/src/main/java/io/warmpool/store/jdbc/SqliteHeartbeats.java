package io.warmpool.store.jdbc;

import io.warmpool.HeartbeatReport;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;

import static io.warmpool.store.jdbc.InstanceRows.LIVE;
import static io.warmpool.store.jdbc.Sql.bind;

/**
 * A batch of instance heartbeats on SQLite: one prepared statement for the "alive" reports and one for the deaths,
 * each executed as a batch, so that the common one never writes {@code state} (and so never touches the claim index).
 * Runs inside the caller's transaction. Stateless.
 */
final class SqliteHeartbeats {

    private static final String ALIVE = "UPDATE instances SET heartbeat_at = CASE WHEN heartbeat_at < ? THEN ? ELSE"
            + " heartbeat_at END WHERE id = ?";
    private static final String DEAD = "UPDATE instances SET state = 'LOST', heartbeat_at = CASE WHEN heartbeat_at < ?"
            + " THEN ? ELSE heartbeat_at END WHERE id = ? AND state IN " + LIVE;

    private SqliteHeartbeats() {
    }

    /** @return rows changed: heartbeats written plus instances newly LOST */
    static int apply(Connection c, Collection<HeartbeatReport> reports) throws SQLException {
        try (PreparedStatement alive = c.prepareStatement(ALIVE); PreparedStatement dead = c.prepareStatement(DEAD)) {
            int aliveCount = 0;
            int deadCount = 0;
            for (HeartbeatReport r : reports) {
                PreparedStatement s = r.alive() ? alive : dead;
                long at = r.at().toEpochMilli();
                bind(s, at, at, r.instanceId());
                s.addBatch();
                if (r.alive()) {
                    aliveCount++;
                } else {
                    deadCount++;
                }
            }
            return (aliveCount > 0 ? changed(alive.executeBatch()) : 0)
                    + (deadCount > 0 ? changed(dead.executeBatch()) : 0);
        }
    }

    static int changed(int[] counts) {
        int sum = 0;
        for (int n : counts) {
            sum += n == Statement.SUCCESS_NO_INFO ? 1 : Math.max(n, 0);
        }
        return sum;
    }
}
