package io.warmpool.store.jdbc;

import io.warmpool.LeaderTerm;
import io.warmpool.LeaseLostException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.LongSupplier;

import static io.warmpool.store.jdbc.Sql.bind;
import static io.warmpool.store.jdbc.Sql.update;

/**
 * The leader leases of a shard: one row per lease in {@code leases} (name, holder, fencing token, expiry in epoch
 * milliseconds). The same SQL runs on SQLite and PostgreSQL. The fence is a no-op write to the lease row: on
 * PostgreSQL it locks the row until the fenced transaction ends, so a take-over waits for it (and a fence after a
 * take-over finds the new token); on SQLite it takes the database's write lock. Stateless; thread-safe.
 */
final class LeaseRows {

    private static final String TRY_INSERT = "INSERT INTO leases (name, holder, token, expires_at) VALUES (?, ?, 1, ?)"
            + " ON CONFLICT (name) DO NOTHING";
    // a renewal keeps the token, a change of holder increments it; another holder's running term is left alone
    private static final String TAKE = "UPDATE leases SET token = CASE WHEN holder = ? THEN token ELSE token + 1 END,"
            + " holder = ?, expires_at = ? WHERE name = ? AND (holder = ? OR expires_at <= ?) RETURNING token";
    private static final String SEIZE = "INSERT INTO leases (name, holder, token, expires_at) VALUES (?, ?, 1, ?)"
            + " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, token = leases.token + 1,"
            + " expires_at = excluded.expires_at RETURNING token";

    private LeaseRows() {
    }

    static Optional<LeaderTerm> lead(Connection c, String lease, String holder, Instant now, Duration period)
            throws SQLException {
        Instant until = now.plus(period);
        if (update(c, TRY_INSERT, lease, holder, until.toEpochMilli()) == 1) {
            return Optional.of(new LeaderTerm(holder, 1, until));
        }
        try (PreparedStatement s = c.prepareStatement(TAKE)) {
            bind(s, holder, holder, until.toEpochMilli(), lease, holder, now.toEpochMilli());
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(new LeaderTerm(holder, rs.getLong(1), until)) : Optional.empty();
            }
        }
    }

    static LeaderTerm seize(Connection c, String lease, String holder, Instant now, Duration period)
            throws SQLException {
        Instant until = now.plus(period);
        try (PreparedStatement s = c.prepareStatement(SEIZE)) {
            bind(s, lease, holder, until.toEpochMilli());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return new LeaderTerm(holder, rs.getLong(1), until);
            }
        }
    }

    static void resign(Connection c, String lease, String holder, long token) throws SQLException {
        update(c, "UPDATE leases SET expires_at = 0 WHERE name = ? AND holder = ? AND token = ?", lease, holder, token);
    }

    /** The fence that runs first in each transaction of a fenced view. */
    static Transactions.Work<Void> fence(String lease, LongSupplier token) {
        return c -> {
            long t = token.getAsLong();
            if (update(c, "UPDATE leases SET token = token WHERE name = ? AND token = ?", lease, t) != 1) {
                throw new LeaseLostException(lease, t);
            }
            return null;
        };
    }
}
