package io.warmpool.store.jdbc;

import io.warmpool.Instance;
import io.warmpool.InstanceState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The claim must find its candidates through the {@code instances_claim} index, in pick order, so that its cost
 * does not grow with the table: no full scan, no sort over the whole warm set.
 */
class ClaimPlanTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final int ROWS = 20_000;

    @TempDir
    Path dir;

    @Test
    void onSqliteTheClaimSearchesTheClaimIndexAndSortsOnlyItsCandidates() {
        try (SqliteInstanceStore store = SqliteInstanceStore.open(dir.resolve("plan.db"))) {
            fill(store);
            List<String> plan = store.call("plan", c -> plan(store, c));

            assertThat(plan).anyMatch(line -> line.contains("SEARCH instances USING INDEX instances_claim"));
            assertThat(plan).noneMatch(line -> line.matches(".*SCAN instances\\b.*"));
            // the one temp b-tree is ORDER BY random() over the LIMIT ? candidates, never ORDER BY pick
            assertThat(plan.stream().filter(line -> line.contains("TEMP B-TREE"))).hasSizeLessThanOrEqualTo(1);
        }
    }

    @Test
    void onPostgresTheClaimScansTheClaimIndexAndLocksOnlyItsCandidates() throws Exception {
        String schema = TestPostgres.newSchema();
        try (PostgresInstanceStore store = PostgresInstanceStore.open(TestPostgres.URL, schema, 2)) {
            fill(store);
            // the driver switches to a server-side prepared statement, which PostgreSQL may plan generically
            for (String mode : List.of("force_custom_plan", "force_generic_plan")) {
                List<String> plan = store.call("plan mode", c -> {
                    try (Statement s = c.createStatement()) {
                        s.execute("SET plan_cache_mode = " + mode);
                    }
                    try {
                        return plan(store, c);
                    } finally {
                        try (Statement s = c.createStatement()) {
                            s.execute("RESET plan_cache_mode");
                        }
                    }
                });

                assertThat(plan).as(mode).anyMatch(line -> line.contains("Index Scan using instances_claim on instances"));
                assertThat(plan).as(mode).anyMatch(line -> line.contains("LockRows"));
                assertThat(plan).as(mode).noneMatch(line -> line.contains("Seq Scan on instances"));
            }
        } finally {
            TestPostgres.dropSchema(schema);
        }
    }

    @Test
    void onPostgresTheBatchedClaimScansTheClaimIndexAndLooksSessionsUpByTheirIndex() throws Exception {
        String schema = TestPostgres.newSchema();
        try (PostgresInstanceStore store = PostgresInstanceStore.open(TestPostgres.URL, schema, 2)) {
            fill(store);
            for (String mode : List.of("force_custom_plan", "force_generic_plan")) {
                List<String> plan = store.call("plan mode", c -> {
                    try (Statement s = c.createStatement()) {
                        s.execute("SET plan_cache_mode = " + mode);
                    }
                    try (PreparedStatement s = c.prepareStatement("EXPLAIN " + ClaimStatement.manySql())) {
                        s.setArray(1, c.createArrayOf("text", new Object[] {"s-a", "s-b"}));
                        s.setArray(2, c.createArrayOf("bigint", new Long[] {NOW.toEpochMilli(), NOW.toEpochMilli()}));
                        s.setArray(3, c.createArrayOf("bigint", new Long[] {60_000L, 60_000L}));
                        Object[] rest = {"pool-1", "v2", Long.MIN_VALUE, NOW.toEpochMilli(), NOW.toEpochMilli(), 2};
                        for (int i = 0; i < rest.length; i++) {
                            s.setObject(4 + i, rest[i]);
                        }
                        List<String> lines = new ArrayList<>();
                        try (ResultSet rs = s.executeQuery()) {
                            while (rs.next()) {
                                lines.add(rs.getString(1));
                            }
                        }
                        return lines;
                    } finally {
                        try (Statement s = c.createStatement()) {
                            s.execute("RESET plan_cache_mode");
                        }
                    }
                });

                assertThat(plan).as(mode + ": " + plan)
                        .anyMatch(line -> line.contains("Index Scan using instances_claim on instances"));
                assertThat(plan).as(mode).anyMatch(line -> line.contains("LockRows"));
                assertThat(plan).as(mode + ": " + plan).noneMatch(line -> line.contains("Seq Scan on instances"));
            }
        } finally {
            TestPostgres.dropSchema(schema);
        }
    }

    /** {@link #ROWS} instances over three pools, two versions and every state, then fresh statistics. */
    static void fill(JdbcInstanceStore store) {
        InstanceState[] states = {InstanceState.WARM, InstanceState.WARM, InstanceState.CLAIMED,
                InstanceState.STARTING, InstanceState.LOST};
        store.inTransaction("fill", c -> {
            try (PreparedStatement s = c.prepareStatement(InstanceRows.INSERT)) {
                for (int i = 0; i < ROWS; i++) {
                    InstanceState state = states[i % states.length];
                    String session = state == InstanceState.CLAIMED ? "s-" + i : null;
                    Instance instance = new Instance("i-" + i, "weur", "pool-" + (i % 3), "weur-a", "agent-" + (i % 50),
                            i % 7 == 0 ? "v1" : "v2", state, session, "ws://cdp", "http://agent", 0, NOW,
                            NOW.plusMillis(i % 1000), null, null, 0, NOW.plusSeconds(3600));
                    InstanceRows.bindInsert(s, instance, ThreadLocalRandom.current().nextLong());
                    s.addBatch();
                }
                s.executeBatch();
            }
            try (Statement s = c.createStatement()) {
                s.execute("ANALYZE");
            }
            return null;
        });
    }

    private static List<String> plan(JdbcInstanceStore store, Connection c) throws SQLException {
        List<String> lines = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(store.dialect().explain() + store.claimSql())) {
            List<Object> params = new ArrayList<>(List.of("s-new", NOW.toEpochMilli(), NOW.toEpochMilli() + 60_000,
                    60_000L, "pool-1", "v2"));
            if (store.dialect() == Dialect.POSTGRES) {
                params.add(Long.MIN_VALUE); // the random start pick
            }
            params.addAll(List.of(NOW.toEpochMilli(), NOW.toEpochMilli(), 5)); // fresh bound: own heartbeat, agent's beat
            for (int i = 0; i < params.size(); i++) {
                s.setObject(i + 1, params.get(i));
            }
            try (ResultSet rs = s.executeQuery()) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    lines.add(rs.getString(columns)); // SQLite: id, parent, notused, detail; PostgreSQL: one line
                }
            }
        }
        return lines;
    }
}
