package io.warmpool.store.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The PostgreSQL the tests run against: {@code WARMPOOL_TEST_PG_URL}, or the local one CI provides. Each test
 * gets its own schema, dropped afterwards.
 */
final class TestPostgres {

    static final String URL = System.getenv().getOrDefault("WARMPOOL_TEST_PG_URL",
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");

    private TestPostgres() {
    }

    static String newSchema() {
        byte[] bytes = new byte[6];
        ThreadLocalRandom.current().nextBytes(bytes);
        return "wp_test_" + HexFormat.of().formatHex(bytes);
    }

    static void dropSchema(String schema) throws SQLException {
        try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }
}
