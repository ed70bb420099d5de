package io.warmpool.store.jdbc;

import io.warmpool.Instance;
import io.warmpool.InstanceState;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.warmpool.store.jdbc.InstanceRows.COLUMNS;
import static io.warmpool.store.jdbc.InstanceRows.UNBIND;
import static io.warmpool.store.jdbc.Sql.first;
import static io.warmpool.store.jdbc.Sql.update;

/**
 * A release: unbinds a session and moves its instance to the next state, returning the row as it was. A LOST
 * instance stays LOST when the next state would revive it (WARM, STARTING); GONE deletes the row. One statement on
 * PostgreSQL (the row locked, then updated); on SQLite a read and a write that must run inside one transaction.
 * {@link #runAll} releases many sessions in one PostgreSQL statement, for the claim combiner. Stateless; thread-safe.
 */
final class ReleaseStatement {

    /**
     * A release alone, as one auto-committed statement whose commit does not wait for the WAL flush: the
     * {@code set_config(…, true)} in its last clause turns {@code synchronous_commit} off for its own transaction (no
     * extra round trip). Safe because a release only ever gives an instance back: if a crash loses it, the instance
     * stays CLAIMED by a session that is gone until the session's idle timeout reaps it, and it is never held twice
     * (a later synchronous claim of the instance flushes the WAL up to its own commit, the release's record included).
     * Waiting for the flush was what a claim + release cycle cost most: ClaimProbe, 4 connections at 1M rows, 2,758
     * cycles/s with every commit synchronous, 7,218 with none (BENCHMARKS.md §6w). Claims stay synchronous.
     * Parameters: session id, whether {@code next} would revive, next state, new pick.
     */
    private static final String RELEASE_PG = "WITH old AS (SELECT " + COLUMNS + " FROM instances WHERE session_id = ?"
            + " FOR UPDATE), upd AS (UPDATE instances i SET state = CASE WHEN old.state = 'LOST' AND ? THEN 'LOST'"
            + " ELSE ? END, pick = ?, " + UNBIND + " FROM old WHERE i.id = old.id) SELECT * FROM old"
            + " WHERE set_config('synchronous_commit', 'off', true) IS NOT NULL";
    private static final String RELEASE_GONE_PG = "WITH old AS (SELECT " + COLUMNS + " FROM instances"
            + " WHERE session_id = ? FOR UPDATE), del AS (DELETE FROM instances i USING old WHERE i.id = old.id)"
            + " SELECT * FROM old";
    /**
     * Many releases in one statement. Parameters: session ids, next states, new picks (three arrays of one length,
     * session ids distinct). Rows are locked in id order so that two gateways releasing at once cannot deadlock.
     */
    private static final String RELEASE_MANY_PG = "WITH req AS (SELECT * FROM unnest(?::text[], ?::text[], ?::bigint[])"
            + " AS r(sid, next_state, next_pick)), old AS (SELECT i." + COLUMNS.replace(", ", ", i.")
            + ", req.next_state, req.next_pick FROM instances i JOIN req ON i.session_id = req.sid ORDER BY i.id"
            + " FOR UPDATE OF i), upd AS (UPDATE instances i SET state = CASE WHEN old.state = 'LOST' AND"
            + " old.next_state IN ('WARM', 'STARTING') THEN 'LOST' ELSE old.next_state END, pick = old.next_pick, "
            + UNBIND + " FROM old WHERE i.id = old.id AND old.next_state <> 'GONE'), del AS (DELETE FROM instances i"
            + " USING old WHERE i.id = old.id AND old.next_state = 'GONE') SELECT * FROM old";

    private ReleaseStatement() {
    }

    /**
     * Releases {@code sessionId}, giving its row {@code pick} when it stays or turns WARM/STARTING; on SQLite the
     * caller holds a transaction. The row as it was, or empty.
     */
    static Optional<Instance> run(Connection c, Dialect dialect, String sessionId, InstanceState next, long pick)
            throws SQLException {
        boolean revive = revives(next);
        if (dialect == Dialect.POSTGRES) {
            return next == InstanceState.GONE ? first(c, RELEASE_GONE_PG, sessionId)
                    : first(c, RELEASE_PG, sessionId, revive, next.name(), pick);
        }
        Optional<Instance> before = first(c, "SELECT " + COLUMNS + " FROM instances WHERE session_id = ?", sessionId);
        if (before.isEmpty()) {
            return before;
        }
        Instance b = before.get();
        InstanceState to = b.state() == InstanceState.LOST && revive ? InstanceState.LOST : next;
        int written = to == InstanceState.GONE
                ? update(c, "DELETE FROM instances WHERE id = ? AND session_id = ?", b.id(), sessionId)
                : update(c, "UPDATE instances SET state = ?, pick = ?, " + UNBIND + " WHERE id = ? AND session_id = ?",
                to.name(), pick, b.id(), sessionId);
        return written == 1 ? before : Optional.empty();
    }

    /**
     * Releases every session of {@code nextBySession} (PostgreSQL, one statement, random picks) and returns the rows as they were,
     * by session id; a session with no row is absent from the answer.
     */
    static Map<String, Instance> runAll(Connection c, Map<String, InstanceState> nextBySession) throws SQLException {
        int n = nextBySession.size();
        List<String> sessions = new ArrayList<>(n);
        List<String> states = new ArrayList<>(n);
        Long[] picks = new Long[n];
        nextBySession.forEach((session, next) -> {
            picks[sessions.size()] = Picks.random();
            sessions.add(session);
            states.add(next.name());
        });
        Map<String, Instance> before = new HashMap<>();
        Array sessionArray = c.createArrayOf("text", sessions.toArray());
        Array stateArray = c.createArrayOf("text", states.toArray());
        Array pickArray = c.createArrayOf("bigint", picks);
        try (PreparedStatement s = c.prepareStatement(RELEASE_MANY_PG)) {
            s.setArray(1, sessionArray);
            s.setArray(2, stateArray);
            s.setArray(3, pickArray);
            for (Instance i : InstanceRows.readAll(s)) {
                before.put(i.sessionId(), i);
            }
        } finally {
            sessionArray.free();
            stateArray.free();
            pickArray.free();
        }
        return before;
    }

    /** A LOST instance is dead: releasing it may delete or stop it, never bring it back. */
    private static boolean revives(InstanceState next) {
        return next == InstanceState.WARM || next == InstanceState.STARTING;
    }
}
