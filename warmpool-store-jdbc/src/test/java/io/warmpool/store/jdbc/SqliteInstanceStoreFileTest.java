package io.warmpool.store.jdbc;

import io.warmpool.ClaimRequest;
import io.warmpool.HeartbeatReport;
import io.warmpool.Instance;
import io.warmpool.InstanceState;
import io.warmpool.StoreException;
import io.warmpool.WarmPoolException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a SQLite store does with its file: survives restarts, migrates once, fails as a StoreException. */
class SqliteInstanceStoreFileTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    @Test
    void aReopenedStoreStillHasItsRowsAndSessions() {
        Path file = dir.resolve("a/b/weur.db");
        Instance claimed;
        try (SqliteInstanceStore store = SqliteInstanceStore.open(file)) {
            store.insert(starting("i-1"));
            store.insert(starting("i-2"));
            store.markWarm("i-1", "ws://cdp/1", "http://agent/1", NOW);
            claimed = store.claim(claim("s-1")).orElseThrow();
        }

        try (SqliteInstanceStore store = SqliteInstanceStore.open(file)) {
            assertThat(store.findBySession("s-1")).contains(claimed);
            assertThat(store.find("i-2")).contains(starting("i-2"));
            assertThat(store.touchSession("s-1", NOW.plusSeconds(600))).isTrue();
        }
    }

    @Test
    void reopeningAppliesEachSchemaVersionOnce() {
        Path file = dir.resolve("weur.db");
        SqliteInstanceStore.open(file).close();
        try (SqliteInstanceStore store = SqliteInstanceStore.open(file)) {
            int rows = store.call("read versions", c -> {
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT COUNT(*), MAX(version) FROM schema_version")) {
                    rs.next();
                    assertThat(rs.getInt(2)).isEqualTo(Migrations.VERSIONS.getLast().number());
                    return rs.getInt(1);
                }
            });
            assertThat(rows).isEqualTo(Migrations.VERSIONS.size());
        }
    }

    @Test
    void aStoreThatCannotBeCreatedFailsWithStoreUnavailable() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");

        assertThatThrownBy(() -> SqliteInstanceStore.open(notADirectory.resolve("weur.db")))
                .isInstanceOf(StoreException.class)
                .extracting(e -> ((WarmPoolException) e).code()).isEqualTo("store_unavailable");
    }

    @Test
    void aFileThatIsNotADatabaseFailsWithStoreUnavailable() throws Exception {
        Path garbage = Files.writeString(dir.resolve("weur.db"), "this is not a database ".repeat(100));

        assertThatThrownBy(() -> SqliteInstanceStore.open(garbage))
                .isInstanceOf(StoreException.class)
                .extracting(e -> ((WarmPoolException) e).code()).isEqualTo("store_unavailable");
    }

    private static boolean chattr(String flag, Path file) throws Exception {
        Process p = new ProcessBuilder("chattr", flag, file.toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
    }

    @Test
    void aReadOnlyDatabaseFileFailsWithStoreUnavailable() throws Exception {
        Path file = dir.resolve("weur.db");
        SqliteInstanceStore.open(file).close();
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));
        // root ignores file modes, so as root make the file immutable instead (root cannot write that either)
        boolean immutable = Files.isWritable(file) && chattr("+i", file);

        StoreException failure = null;
        try (SqliteInstanceStore store = SqliteInstanceStore.open(file)) {
            store.insert(starting("i-1"));
        } catch (StoreException e) {
            failure = e;
        } finally {
            if (immutable) {
                chattr("-i", file);
            }
        }

        assertThat(failure).isNotNull();
        assertThat(failure.code()).isEqualTo("store_unavailable");
        assertThat(failure.getMessage()).contains("READONLY");
    }

    @Test
    void aStoreThatCanNoLongerWriteFailsWithStoreUnavailableAndKeepsServingReads() {
        try (SqliteInstanceStore store = SqliteInstanceStore.open(dir.resolve("weur.db"))) {
            store.insert(starting("i-0"));
            // the file may not grow any more: what a full disk looks like to SQLite (SQLITE_FULL)
            store.call("cap size", c -> execute(c.createStatement(),
                    "PRAGMA max_page_count = " + pageCount(store)));

            StoreException failure = null;
            for (int i = 1; i < 10_000 && failure == null; i++) {
                try {
                    store.insert(starting("i-" + i + "-" + "x".repeat(200)));
                } catch (StoreException e) {
                    failure = e;
                }
            }

            assertThat(failure).isNotNull();
            assertThat(failure.code()).isEqualTo("store_unavailable");
            assertThat(failure.sqlState()).isEqualTo("HY000");
            assertThat(failure.getMessage()).contains("insert failed").contains("SQLITE_FULL");
            assertThat(store.find("i-0")).isPresent();
            assertThat(store.markWarm("i-0", "ws://cdp/0", "http://agent/0", NOW)).as("in-place writes go on").isTrue();
        }
    }

    @Test
    void aFailedTransactionLeavesNothingBehind() {
        try (SqliteInstanceStore store = SqliteInstanceStore.open(dir.resolve("weur.db"))) {
            store.insert(starting("i-1"));

            assertThatThrownBy(() -> store.inTransaction("half-done", c -> {
                execute(c.createStatement(), "UPDATE instances SET state = 'WARM' WHERE id = 'i-1'");
                execute(c.createStatement(), "UPDATE instances SET state = 'NO_SUCH_STATE' WHERE id = 'i-1'");
                return null;
            })).isInstanceOf(StoreException.class)
                    .hasMessageContaining("half-done failed")
                    .extracting(e -> ((StoreException) e).sqlState()).isEqualTo("23000");

            assertThat(store.find("i-1").orElseThrow().state()).isEqualTo(InstanceState.STARTING);
            assertThat(store.applyHeartbeats(List.of(new HeartbeatReport("i-1", "agent-1", true, NOW.plusSeconds(5),
                    NOW.plusSeconds(5))))).as("the connection is usable again").isEqualTo(1);
        }
    }

    @Test
    void aClosedStoreRefusesWork() {
        SqliteInstanceStore store = SqliteInstanceStore.open(dir.resolve("weur.db"));
        store.close();
        store.close();

        assertThatThrownBy(() -> store.find("i-1")).isInstanceOf(StoreException.class).hasMessageContaining("closed");
    }

    private static long pageCount(JdbcInstanceStore store) {
        return store.call("page count", c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA page_count")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private static Void execute(Statement s, String sql) throws SQLException {
        try (s) {
            s.execute(sql);
            return null;
        }
    }

    private static Instance starting(String id) {
        return Instance.starting(id, "weur", "browser", "weur-a", "agent-1", "v1", NOW, NOW.plusSeconds(3600));
    }

    private static ClaimRequest claim(String sessionId) {
        return new ClaimRequest("browser", "v1", sessionId, NOW, Duration.ofSeconds(60), NOW, 5);
    }
}
