package io.warmpool.store.jdbc;

import io.warmpool.RateLimit;
import io.warmpool.spi.InstanceStore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

import static io.warmpool.store.jdbc.Sql.bind;
import static io.warmpool.store.jdbc.Sql.update;

/**
 * What the gateways sharing a shard share besides instances: rate cells ({@code rate_cells}: one row per limited key
 * with its theoretical arrival time, see {@link RateLimit}) and each gateway's heartbeat queue lag
 * ({@code gateway_lags}). The same SQL runs on SQLite and PostgreSQL. Stateless; thread-safe.
 */
final class GatewayRows {

    // One statement checks and advances a cell: a new cell is inserted taken once; an existing one moves to
    // max(tat, now) + interval only when max(tat, now) - now is within the tolerance, and otherwise is left alone and
    // returns no row. On PostgreSQL the conflict locks the row, so concurrent takes from many gateways serialize on it.
    private static final String TAKE = "INSERT INTO rate_cells (cell, tat) VALUES (?, ?) ON CONFLICT (cell) DO UPDATE"
            + " SET tat = (CASE WHEN rate_cells.tat > ? THEN rate_cells.tat ELSE ? END) + ?"
            + " WHERE (CASE WHEN rate_cells.tat > ? THEN rate_cells.tat ELSE ? END) - ? <= ? RETURNING tat";
    private static final String PUBLISH = "INSERT INTO gateway_lags (gateway, lag_ms, at) VALUES (?, ?, ?)"
            + " ON CONFLICT (gateway) DO UPDATE SET lag_ms = excluded.lag_ms, at = excluded.at";

    private GatewayRows() {
    }

    /**
     * Takes from a cell, in the caller's transaction. On PostgreSQL the commit does not wait for the WAL flush
     * ({@code synchronous_commit} off for this transaction only): a take is then a round trip, not a disk flush, and
     * what a database crash can lose is the last few takes of a rate limit, never an instance's state.
     */
    static Duration take(Connection c, Dialect dialect, String key, RateLimit limit, Instant now) throws SQLException {
        if (dialect == Dialect.POSTGRES) {
            update(c, "SET LOCAL synchronous_commit TO OFF");
        }
        long at = RateLimit.micros(now);
        long interval = limit.intervalMicros();
        try (PreparedStatement s = c.prepareStatement(TAKE)) {
            bind(s, key, at + interval, at, at, interval, at, at, at, limit.toleranceMicros());
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                    return Duration.ZERO;
                }
            }
        }
        // refused: how long until the next take passes (a take by another gateway meanwhile only makes it longer)
        Duration wait = limit.allowance(tat(c, key), at).untilNext();
        return wait.isZero() ? Duration.ofNanos(1_000) : wait;
    }

    static RateLimit.Allowance peek(Connection c, String key, RateLimit limit, Instant now) throws SQLException {
        return limit.allowance(tat(c, key), RateLimit.micros(now));
    }

    private static long tat(Connection c, String key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT tat FROM rate_cells WHERE cell = ?")) {
            bind(s, key);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    static void publish(Connection c, String gateway, Duration lag, Instant now) throws SQLException {
        update(c, PUBLISH, gateway, lag.toMillis(), now.toEpochMilli());
        update(c, "DELETE FROM gateway_lags WHERE at < ?", now.minus(InstanceStore.FORGET_LAGS_AFTER).toEpochMilli());
    }

    static Duration worst(Connection c, Instant liveAfter) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT MAX(lag_ms) FROM gateway_lags WHERE at >= ?")) {
            bind(s, liveAfter.toEpochMilli());
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Duration.ofMillis(rs.getLong(1)) : Duration.ZERO;
            }
        }
    }
}
