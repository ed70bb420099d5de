package io.warmpool.store.jdbc;

import io.warmpool.HeartbeatReport;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import static io.warmpool.store.jdbc.InstanceRows.LIVE;

/**
 * A batch of heartbeats on PostgreSQL in two statements whatever its size: the "alive" reports as one
 * {@code UPDATE … FROM unnest(ids, times)} (the latest time per id, and only rows whose heartbeat moves forward are
 * written), the deaths as one more. Runs inside the caller's transaction. Stateless.
 */
final class PostgresHeartbeats {

    private static final String ALIVE = "UPDATE instances i SET heartbeat_at = u.at FROM (SELECT id, max(at) AS at"
            + " FROM unnest(?::text[], ?::bigint[]) AS r(id, at) GROUP BY id) u WHERE i.id = u.id AND i.heartbeat_at < u.at";
    private static final String DEAD = "UPDATE instances i SET state = 'LOST', heartbeat_at = GREATEST(i.heartbeat_at,"
            + " u.at) FROM (SELECT id, max(at) AS at FROM unnest(?::text[], ?::bigint[]) AS r(id, at) GROUP BY id) u"
            + " WHERE i.id = u.id AND i.state IN " + LIVE;

    private PostgresHeartbeats() {
    }

    /** @return rows changed: heartbeats moved forward plus instances newly LOST */
    static int apply(Connection c, Collection<HeartbeatReport> reports) throws SQLException {
        List<String> aliveIds = new ArrayList<>();
        List<Long> aliveAt = new ArrayList<>();
        List<String> deadIds = new ArrayList<>();
        List<Long> deadAt = new ArrayList<>();
        for (HeartbeatReport r : reports) {
            (r.alive() ? aliveIds : deadIds).add(r.instanceId());
            (r.alive() ? aliveAt : deadAt).add(r.at().toEpochMilli());
        }
        return update(c, ALIVE, aliveIds, aliveAt) + update(c, DEAD, deadIds, deadAt);
    }

    private static int update(Connection c, String sql, List<String> ids, List<Long> at) throws SQLException {
        if (ids.isEmpty()) {
            return 0;
        }
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setArray(1, c.createArrayOf("text", ids.toArray()));
            s.setArray(2, c.createArrayOf("bigint", at.toArray()));
            return s.executeUpdate();
        }
    }
}
