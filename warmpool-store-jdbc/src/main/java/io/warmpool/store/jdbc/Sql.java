package io.warmpool.store.jdbc;

import io.warmpool.Instance;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** One-line statement helpers: parameters bound in order with {@code setObject}. */
final class Sql {

    private Sql() {
    }

    static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, params);
            return s.executeUpdate();
        }
    }

    static Optional<Instance> first(Connection c, String sql, Object... params) throws SQLException {
        return all(c, sql, params).stream().findFirst();
    }

    static List<Instance> all(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, params);
            return InstanceRows.readAll(s);
        }
    }

    static void bind(PreparedStatement s, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            s.setObject(i + 1, params[i]);
        }
    }
}
