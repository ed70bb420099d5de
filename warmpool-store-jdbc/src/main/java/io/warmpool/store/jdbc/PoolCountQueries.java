package io.warmpool.store.jdbc;

import io.warmpool.InstanceState;
import io.warmpool.PoolCounts;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A pool's counts by state: the whole pool ({@code GROUP BY}, a read of every row of the pool, for dashboards and
 * metrics behind a cache), or bounded: each state counted up to a cap through the {@code instances_claim} index
 * (equality on pool and state), at most {@code atMost} index entries per state, for the housekeeper and acquirers.
 * Stateless.
 */
final class PoolCountQueries {

    private static final String[] STATES = {"STARTING", "WARM", "CLAIMED", "STOPPING", "LOST"};
    static final String BOUNDED;

    static {
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < STATES.length; i++) {
            sql.append(i == 0 ? "" : ", ").append("(SELECT COUNT(*) FROM (SELECT 1 FROM instances WHERE pool = ? AND")
                    .append(" state = '").append(STATES[i]).append("' LIMIT ?) s").append(i).append(")");
        }
        BOUNDED = sql.toString();
    }

    private PoolCountQueries() {
    }

    static PoolCounts all(Connection c, String pool) throws SQLException {
        String sql = "SELECT state, COUNT(*) FROM instances" + (pool == null ? "" : " WHERE pool = ?")
                + " GROUP BY state";
        int[] n = new int[InstanceState.values().length];
        try (PreparedStatement s = c.prepareStatement(sql)) {
            if (pool != null) {
                s.setString(1, pool);
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    n[InstanceState.parse(rs.getString(1)).ordinal()] = rs.getInt(2);
                }
            }
        }
        return new PoolCounts(n[InstanceState.STARTING.ordinal()], n[InstanceState.WARM.ordinal()],
                n[InstanceState.CLAIMED.ordinal()], n[InstanceState.STOPPING.ordinal()],
                n[InstanceState.LOST.ordinal()]);
    }

    static PoolCounts bounded(Connection c, String pool, int atMost) throws SQLException {
        if (atMost < 0) {
            throw new IllegalArgumentException("atMost must be >= 0 (atMost=" + atMost + ")");
        }
        try (PreparedStatement s = c.prepareStatement(BOUNDED)) {
            for (int i = 0; i < STATES.length; i++) {
                s.setString(2 * i + 1, pool);
                s.setInt(2 * i + 2, atMost);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return new PoolCounts(rs.getInt(1), rs.getInt(2), rs.getInt(3), rs.getInt(4), rs.getInt(5));
            }
        }
    }
}
