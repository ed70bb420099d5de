package io.warmpool.store.jdbc;

import io.warmpool.ClaimRequest;
import io.warmpool.Instance;
import io.warmpool.InstanceState;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The store's own claim and release statements, run on a connection the caller holds, for {@code ClaimProbe}: the
 * statement's cost without the store's queueing (claim combiner, connection pool, transactions). Bench-only: it lives
 * in the store's package to reach its package-private statements. Stateless; thread-safe.
 */
public final class ProbeStatements {

    private static final ClaimStatement POSTGRES = new ClaimStatement(Dialect.POSTGRES);

    private ProbeStatements() {
    }

    /** The store's one-request claim (random start, as a claim alone runs it); the instance, empty, or null. */
    public static Optional<Instance> claim(Connection c, ClaimRequest r) throws SQLException {
        return POSTGRES.run(c, r, Picks.random());
    }

    /** The combiner's many-request claim, here for one request group from a random start. */
    public static Map<String, Instance> claimMany(Connection c, List<ClaimRequest> group) throws SQLException {
        return POSTGRES.runMany(c, group, Picks.random());
    }

    /** The store's one-request release (one statement on PostgreSQL). */
    public static Optional<Instance> release(Connection c, String sessionId) throws SQLException {
        return ReleaseStatement.run(c, Dialect.POSTGRES, sessionId, InstanceState.WARM, Picks.random());
    }

    /** The combiner's many-session release. */
    public static Map<String, Instance> releaseAll(Connection c, Map<String, InstanceState> next) throws SQLException {
        return ReleaseStatement.runAll(c, next);
    }

    /** The one-request claim's text (for EXPLAIN). */
    public static String claimSql() {
        return POSTGRES.sql();
    }
}
