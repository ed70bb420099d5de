package io.warmpool.store.jdbc;

import io.warmpool.Instance;
import io.warmpool.InstanceState;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The {@code instances} table's columns and how they map to {@link Instance}. Times are epoch millis. */
final class InstanceRows {

    static final String COLUMNS = "id, region, pool, zone, agent_id, version, state, session_id, cdp_url, agent_url,"
            + " uses, started_at, heartbeat_at, claimed_at, session_expires_at, keep_alive_ms, retire_at";

    static final String INSERT = "INSERT INTO instances (" + COLUMNS + ", pick)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /** The session columns of a row that is not CLAIMED. */
    static final String UNBIND = "session_id = NULL, claimed_at = NULL, session_expires_at = NULL, keep_alive_ms = 0";

    /** The states that staleness or a dead-process report may turn LOST. */
    static final String LIVE = "('STARTING', 'WARM', 'CLAIMED')";

    private InstanceRows() {
    }

    static void bindInsert(PreparedStatement s, Instance i, long pick) throws SQLException {
        s.setString(1, i.id());
        s.setString(2, i.region());
        s.setString(3, i.pool());
        s.setString(4, i.zone());
        s.setString(5, i.agentId());
        s.setString(6, i.version());
        s.setString(7, i.state().name());
        s.setString(8, i.sessionId());
        s.setString(9, i.cdpUrl());
        s.setString(10, i.agentUrl());
        s.setInt(11, i.uses());
        setMillis(s, 12, i.startedAt());
        setMillis(s, 13, i.heartbeatAt());
        setMillis(s, 14, i.claimedAt());
        setMillis(s, 15, i.sessionExpiresAt());
        s.setLong(16, i.keepAliveMillis());
        setMillis(s, 17, i.retireAt());
        s.setLong(18, pick);
    }

    static Instance read(ResultSet rs) throws SQLException {
        return new Instance(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), InstanceState.parse(rs.getString(7)), rs.getString(8), rs.getString(9),
                rs.getString(10), rs.getInt(11), instant(rs, 12), instant(rs, 13), instant(rs, 14), instant(rs, 15),
                rs.getLong(16), instant(rs, 17));
    }

    static List<Instance> readAll(PreparedStatement s) throws SQLException {
        List<Instance> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                out.add(read(rs));
            }
        }
        return out;
    }

    static void setMillis(PreparedStatement s, int index, Instant t) throws SQLException {
        if (t == null) {
            s.setNull(index, Types.BIGINT);
        } else {
            s.setLong(index, t.toEpochMilli());
        }
    }

    private static Instant instant(ResultSet rs, int index) throws SQLException {
        long millis = rs.getLong(index);
        return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
    }
}
