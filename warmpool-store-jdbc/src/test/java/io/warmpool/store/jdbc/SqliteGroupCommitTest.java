package io.warmpool.store.jdbc;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Statement;

/** Group commit on a SQLite shard: the test holds the shard's one connection to make the combiner's batches wait. */
class SqliteGroupCommitTest extends GroupCommitContract {

    @TempDir
    Path dir;

    @Override
    JdbcInstanceStore open() {
        return SqliteInstanceStore.open(dir.resolve("weur.db"));
    }

    @Override
    void poisonSessions() {
        store.call("poison", c -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TRIGGER poison BEFORE UPDATE OF session_id ON instances"
                        + " WHEN NEW.session_id LIKE 'poison%' BEGIN SELECT RAISE(ABORT, 'poisoned claim'); END");
            }
            return null;
        });
    }

    @Override
    void whileWritesWait(Runnable body) {
        store.inTransaction("hold", c -> {
            body.run();
            return null;
        });
    }
}
