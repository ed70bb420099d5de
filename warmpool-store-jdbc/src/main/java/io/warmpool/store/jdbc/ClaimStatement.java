package io.warmpool.store.jdbc;

import io.warmpool.ClaimRequest;
import io.warmpool.Instance;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import static io.warmpool.store.jdbc.InstanceRows.COLUMNS;
import static io.warmpool.store.jdbc.Sql.bind;

/**
 * The claim as one conditional statement: {@code UPDATE … RETURNING} the row chosen at random among the first
 * {@code candidates} warm, fresh rows of the {@code instances_claim} index (per zone, nearest first, with
 * {@code instances_claim_zone}), re-checking {@code state = 'WARM'}. Fresh means the row's own heartbeat or its
 * agent's beat is recent ({@link AgentLiveness}). Thread-safe.
 */
final class ClaimStatement {

    private static final String CLAIM = "UPDATE instances SET state = 'CLAIMED', session_id = ?, claimed_at = ?,"
            + " session_expires_at = ?, keep_alive_ms = ?, uses = uses + 1"
            + " WHERE id = (SELECT c.id FROM (%s) c ORDER BY random() LIMIT 1)"
            + " AND state = 'WARM' RETURNING " + COLUMNS;
    /**
     * PostgreSQL's candidates: the first fresh warm rows in pick order from a random start, locked, skipping those
     * another claim holds. The random start matters on PostgreSQL: every claim and release leaves a dead version of
     * its row behind until vacuum, and claims that always began at the lowest picks walked an ever longer run of
     * them (a claim took 77 ms in ShardBench at 1M rows). Its parameters: pool, version, start, fresh twice, limit.
     */
    private static final String CANDIDATES_PG = "SELECT id FROM instances WHERE pool = ? AND state = 'WARM'"
            + " AND version = ? AND pick >= ? AND " + AgentLiveness.FRESH
            + " ORDER BY pick LIMIT ? FOR UPDATE SKIP LOCKED";
    /**
     * A SQLite claim reads at most this many warm rows (in pick order: the longest idle released ones first, then new
     * ones in random order, see {@link Picks}) for its fresh candidates:
     * when none of them is fresh, the region is stale and the claim finds nothing instead of reading the whole index
     * while it holds the shard's only connection (which starved the heartbeat writer and kept the region stale).
     */
    static final int CLAIM_SCAN = 64;
    private static final String CANDIDATES_SQLITE = "SELECT id FROM (SELECT id, heartbeat_at, agent_id FROM instances"
            + " WHERE pool = ? AND state = 'WARM' AND version = ? ORDER BY pick LIMIT " + CLAIM_SCAN + ") s WHERE "
            + AgentLiveness.fresh("s") + " LIMIT ?";

    /**
     * PostgreSQL's claim of many sessions at once, for the claim combiner: the first {@code k} fresh warm rows in pick
     * order from a start, locked (skipping those another transaction holds), handed one each to the {@code k}
     * requests whose session ids are not bound yet, in one {@code UPDATE … RETURNING}. Parameters: session ids,
     * claim times, keep-alives (three arrays of one length, session ids distinct), pool, version, start, fresh twice,
     * {@code k}.
     */
    private static final String CLAIM_MANY_PG = "WITH req AS (SELECT sid, now_ms, keep_ms, row_number() OVER () AS rn"
            + " FROM unnest(?::text[], ?::bigint[], ?::bigint[]) AS r(sid, now_ms, keep_ms)"
            + " WHERE NOT EXISTS (SELECT 1 FROM instances b WHERE b.session_id = r.sid)),"
            + " cand AS (SELECT id, row_number() OVER () AS rn FROM (" + CANDIDATES_PG + ") c)"
            + " UPDATE instances i SET state = 'CLAIMED', session_id = req.sid, claimed_at = req.now_ms,"
            + " session_expires_at = req.now_ms + req.keep_ms, keep_alive_ms = req.keep_ms, uses = i.uses + 1"
            + " FROM cand JOIN req ON cand.rn = req.rn WHERE i.id = cand.id AND i.state = 'WARM'"
            + " RETURNING i." + COLUMNS.replace(", ", ", i.");

    private final Dialect dialect;
    private final String sql;
    private final ConcurrentMap<Integer, String> zoneSql = new ConcurrentHashMap<>();

    ClaimStatement(Dialect dialect) {
        this.dialect = dialect;
        this.sql = CLAIM.formatted(dialect == Dialect.POSTGRES ? CANDIDATES_PG : CANDIDATES_SQLITE);
    }

    /** PostgreSQL's claim of many sessions at once (for plan checks). */
    static String manySql() {
        return CLAIM_MANY_PG;
    }

    /** The claim without zones, as this dialect runs it (for plan checks). */
    String sql() {
        return sql;
    }

    /**
     * The claim for callers with nearest zones: one candidate list per zone (nearest first) and one for any zone,
     * each through an index, and the claim takes a random candidate of the best non-empty list. Still one statement.
     */
    private String zoneSql(int zones) {
        return zoneSql.computeIfAbsent(zones, n -> {
            StringBuilder union = new StringBuilder();
            for (int i = 0; i <= n; i++) {
                if (i > 0) {
                    union.append(" UNION ALL ");
                }
                union.append("SELECT z").append(i).append(".id, ").append(i).append(" AS rank FROM (SELECT id FROM instances")
                        .append(" WHERE pool = ? AND state = 'WARM' AND version = ?")
                        .append(i < n ? " AND zone = ?" : "")
                        .append(" AND ").append(AgentLiveness.FRESH).append(" ORDER BY pick LIMIT ?")
                        .append(dialect.claimLock())
                        .append(") z").append(i);
            }
            return "UPDATE instances SET state = 'CLAIMED', session_id = ?, claimed_at = ?,"
                    + " session_expires_at = ?, keep_alive_ms = ?, uses = uses + 1"
                    + " WHERE id = (SELECT c.id FROM (" + union + ") c ORDER BY c.rank, random() LIMIT 1)"
                    + " AND state = 'WARM' RETURNING " + COLUMNS;
        });
    }

    /**
     * Claims for every request of {@code group} (PostgreSQL; one pool and version, no zones, distinct session ids)
     * in one statement, the candidates read from {@code start} in pick order and fresh by the latest
     * {@code freshAfter} of the group. The claimed instances by session id: a request whose session id was already
     * bound, or for which no candidate was left, is absent.
     */
    Map<String, Instance> runMany(Connection c, List<ClaimRequest> group, long start) throws SQLException {
        int n = group.size();
        Object[] sessions = new Object[n];
        Long[] nows = new Long[n];
        Long[] keeps = new Long[n];
        long fresh = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            ClaimRequest r = group.get(i);
            sessions[i] = r.sessionId();
            nows[i] = r.now().toEpochMilli();
            keeps[i] = r.keepAlive().toMillis();
            fresh = Math.max(fresh, r.freshAfter().toEpochMilli());
        }
        Map<String, Instance> claimed = new HashMap<>();
        Array sessionArray = c.createArrayOf("text", sessions);
        Array nowArray = c.createArrayOf("bigint", nows);
        Array keepArray = c.createArrayOf("bigint", keeps);
        try (PreparedStatement s = c.prepareStatement(CLAIM_MANY_PG)) {
            s.setArray(1, sessionArray);
            s.setArray(2, nowArray);
            s.setArray(3, keepArray);
            ClaimRequest first = group.get(0);
            Object[] rest = {first.pool(), first.version(), start, fresh, fresh, n};
            for (int i = 0; i < rest.length; i++) {
                s.setObject(4 + i, rest[i]);
            }
            for (Instance i : InstanceRows.readAll(s)) {
                claimed.put(i.sessionId(), i);
            }
        } finally {
            sessionArray.free();
            nowArray.free();
            keepArray.free();
        }
        return claimed;
    }

    /** The claimed instance, empty when no candidate was free, null when the session id is already bound. */
    Optional<Instance> run(Connection c, ClaimRequest r, long start) throws SQLException {
        long now = r.now().toEpochMilli();
        long keepAlive = r.keepAlive().toMillis();
        long fresh = r.freshAfter().toEpochMilli();
        boolean byZone = !r.zones().isEmpty();
        try (PreparedStatement s = c.prepareStatement(byZone ? zoneSql(r.zones().size()) : sql)) {
            if (byZone) {
                List<Object> params = new ArrayList<>(List.of(
                        r.sessionId(), now, now + keepAlive, keepAlive));
                for (String zone : r.zones()) {
                    params.addAll(List.of(r.pool(), r.version(), zone, fresh, fresh, r.candidates()));
                }
                params.addAll(List.of(r.pool(), r.version(), fresh, fresh, r.candidates()));
                bind(s, params.toArray());
            } else if (dialect == Dialect.POSTGRES) {
                bind(s, r.sessionId(), now, now + keepAlive, keepAlive, r.pool(), r.version(), start, fresh, fresh,
                        r.candidates());
            } else {
                bind(s, r.sessionId(), now, now + keepAlive, keepAlive, r.pool(), r.version(), fresh, fresh,
                        r.candidates());
            }
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Instance claimed = InstanceRows.read(rs);
                // Step the statement to its end: in auto-commit mode that is where SQLite commits, and a failed
                // commit (an unwritable file) must fail the claim rather than vanish when the statement is closed.
                if (rs.next()) {
                    throw new SQLException("claim returned more than one row", "XX000");
                }
                return Optional.of(claimed);
            }
        } catch (SQLException e) {
            if (dialect.isUniqueViolation(e)) {
                return null;
            }
            throw e;
        }
    }
}
