package io.warmpool.store.jdbc;

import io.warmpool.Instance;
import io.warmpool.InstanceState;
import io.warmpool.spi.InstanceStore.SearchPage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@link io.warmpool.spi.InstanceStore#search}: the filter and the page done by the database, one count and one
 * bounded select in the caller's transaction. Without a text it walks the primary key; with one it scans the table
 * in the database (no row leaves it unless it matches and is on the page). Same SQL on SQLite and PostgreSQL.
 */
final class InstanceSearch {
    private static final String TEXT = " AND (lower(id) LIKE ? ESCAPE '!' OR lower(coalesce(agent_id, '')) LIKE ? ESCAPE '!'"
            + " OR lower(coalesce(zone, '')) LIKE ? ESCAPE '!' OR lower(pool) LIKE ? ESCAPE '!'"
            + " OR lower(coalesce(session_id, '')) LIKE ? ESCAPE '!')";

    private InstanceSearch() {
    }

    static SearchPage run(Connection c, InstanceState state, String text, int offset, int limit) throws SQLException {
        StringBuilder where = new StringBuilder(" WHERE state <> 'GONE'");
        List<Object> params = new ArrayList<>();
        if (state != null) {
            where.append(" AND state = ?");
            params.add(state.name());
        }
        if (text != null && !text.isBlank()) {
            where.append(TEXT);
            String pattern = "%" + text.toLowerCase(Locale.ROOT).replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
            for (int i = 0; i < 5; i++) {
                params.add(pattern);
            }
        }
        int total;
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM instances" + where)) {
            Sql.bind(s, params.toArray());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                total = rs.getInt(1);
            }
        }
        if (total <= offset || limit <= 0) {
            return new SearchPage(total, List.of());
        }
        params.add(limit);
        params.add(offset);
        List<Instance> rows = Sql.all(c, "SELECT " + InstanceRows.COLUMNS + " FROM instances" + where
                + " ORDER BY id LIMIT ? OFFSET ?", params.toArray());
        return new SearchPage(total, rows);
    }
}
