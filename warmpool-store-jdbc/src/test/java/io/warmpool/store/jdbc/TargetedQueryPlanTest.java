package io.warmpool.store.jdbc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every targeted query, the LOST sweep and the bounded counts find their rows through an index: on SQLite's plan,
 * each step that reads {@code instances} or {@code agents} is a SEARCH (an index range), never a SCAN of the table or
 * of a whole index.
 */
class TargetedQueryPlanTest {

    @TempDir
    Path dir;

    @Test
    void onSqliteEveryTargetedQuerySearchesAnIndex() {
        try (SqliteInstanceStore store = SqliteInstanceStore.open(dir.resolve("plan.db"))) {
            ClaimPlanTest.fill(store);
            for (Map.Entry<String, String> q : store.targetedStatements().entrySet()) {
                List<String> plan = store.call("plan", c -> {
                    List<String> lines = new ArrayList<>();
                    try (PreparedStatement s = c.prepareStatement("EXPLAIN QUERY PLAN " + q.getValue());
                         ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            lines.add(rs.getString(4));
                        }
                    }
                    return lines;
                });
                assertThat(plan).as(q.getKey() + ": " + plan).filteredOn(line -> line.contains("instances"))
                        .isNotEmpty().allMatch(line -> line.startsWith("SEARCH instances USING "));
                assertThat(plan).as(q.getKey() + ": " + plan).filteredOn(line -> line.matches(".*\\bagents\\b.*"))
                        .allMatch(line -> line.startsWith("SEARCH agents USING "));
            }
        }
    }
}
