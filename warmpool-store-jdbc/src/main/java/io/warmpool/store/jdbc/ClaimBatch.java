package io.warmpool.store.jdbc;

import io.warmpool.ClaimRequest;
import io.warmpool.Instance;
import io.warmpool.InstanceState;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs one batch of the {@link ClaimCombiner} inside the caller's transaction: the releases first (so an instance
 * released in the batch can be claimed in it), then the claims. On PostgreSQL the releases are one statement and
 * the claims one statement per pool and version (those with zones one statement each); on SQLite, where a statement
 * costs microseconds and the connection is local, each operation is its own statement, and a claim is settled in
 * the batch (see {@link JdbcInstanceStore#claim}). Session ids in a batch are distinct. Stateless; thread-safe.
 */
final class ClaimBatch {

    private static final String BOUND = "SELECT 1 FROM instances WHERE session_id = ?";
    private static final String BOUND_ROW = "SELECT " + InstanceRows.COLUMNS + " FROM instances WHERE session_id = ?";

    private ClaimBatch() {
    }

    static void run(Connection c, Dialect dialect, ClaimStatement claims, Picks picks, List<ClaimCombiner.Op> ops)
            throws SQLException {
        if (dialect == Dialect.POSTGRES) {
            postgres(c, claims, ops);
            return;
        }
        for (ClaimCombiner.Op op : ops) {
            if (!op.isClaim()) {
                op.answer = ReleaseStatement.run(c, dialect, op.sessionId, op.next, picks.released());
            }
        }
        for (ClaimCombiner.Op op : ops) {
            if (op.isClaim()) {
                Optional<Instance> got = claims.run(c, op.claim, Long.MIN_VALUE); // SQLite has no random start
                // settled here: a session id already bound keeps its instance while it is CLAIMED (stickiness), in
                // this transaction rather than in another turn on the shard's one connection
                op.answer = got != null && got.isPresent() ? got
                        : Sql.first(c, BOUND_ROW, op.sessionId).filter(i -> i.state() == InstanceState.CLAIMED);
            }
        }
    }

    private static void postgres(Connection c, ClaimStatement claims, List<ClaimCombiner.Op> ops) throws SQLException {
        Map<String, InstanceState> releases = new LinkedHashMap<>();
        Map<String, List<ClaimCombiner.Op>> groups = new LinkedHashMap<>();
        List<ClaimCombiner.Op> zoned = new ArrayList<>();
        for (ClaimCombiner.Op op : ops) {
            if (!op.isClaim()) {
                releases.put(op.sessionId, op.next);
            } else if (op.claim.zones().isEmpty()) {
                groups.computeIfAbsent(op.claim.pool() + '\u0000' + op.claim.version(), k -> new ArrayList<>()).add(op);
            } else {
                zoned.add(op);
            }
        }
        if (!releases.isEmpty()) {
            Map<String, Instance> before = ReleaseStatement.runAll(c, releases);
            for (ClaimCombiner.Op op : ops) {
                if (!op.isClaim()) {
                    op.answer = Optional.ofNullable(before.get(op.sessionId));
                }
            }
        }
        for (List<ClaimCombiner.Op> group : groups.values()) {
            claimGroup(c, claims, group);
        }
        for (ClaimCombiner.Op op : zoned) {
            // a unique violation would abort the whole transaction on PostgreSQL: a bound id is answered without one
            op.answer = bound(c, op.sessionId) ? null : claims.run(c, op.claim, Picks.random());
        }
    }

    /**
     * The group's claims in one statement from a random pick (spreading concurrent gateways over the index), then
     * once more from the lowest pick for those left without an instance. A request still without one is answered
     * empty; its caller then looks its session up (it may have been bound before) and retries alone.
     */
    private static void claimGroup(Connection c, ClaimStatement claims, List<ClaimCombiner.Op> group)
            throws SQLException {
        List<ClaimRequest> requests = new ArrayList<>(group.size());
        for (ClaimCombiner.Op op : group) {
            requests.add(op.claim);
        }
        Map<String, Instance> claimed = claims.runMany(c, requests, Picks.random());
        if (claimed.size() < requests.size()) {
            List<ClaimRequest> left = new ArrayList<>();
            for (ClaimRequest r : requests) {
                if (!claimed.containsKey(r.sessionId())) {
                    left.add(r);
                }
            }
            claimed.putAll(claims.runMany(c, left, Long.MIN_VALUE));
        }
        for (ClaimCombiner.Op op : group) {
            op.answer = Optional.ofNullable(claimed.get(op.sessionId));
        }
    }

    private static boolean bound(Connection c, String sessionId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(BOUND)) {
            s.setString(1, sessionId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }
}
