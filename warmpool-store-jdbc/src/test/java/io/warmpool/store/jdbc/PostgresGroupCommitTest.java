package io.warmpool.store.jdbc;

import org.junit.jupiter.api.AfterEach;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/** Group commit on a PostgreSQL shard: the test locks the instances table to make the combiner's batches wait. */
class PostgresGroupCommitTest extends GroupCommitContract {

    private final String schema = TestPostgres.newSchema();

    @Override
    JdbcInstanceStore open() {
        return PostgresInstanceStore.open(TestPostgres.URL, schema);
    }

    @AfterEach
    void dropSchema() throws Exception {
        store.close();
        TestPostgres.dropSchema(schema);
    }

    @Override
    void poisonSessions() throws Exception {
        try (Connection c = DriverManager.getConnection(TestPostgres.URL); Statement s = c.createStatement()) {
            s.execute("CREATE FUNCTION " + schema + ".poison() RETURNS trigger AS $$ BEGIN"
                    + " IF NEW.session_id LIKE 'poison%' THEN RAISE EXCEPTION 'poisoned claim'; END IF;"
                    + " RETURN NEW; END $$ LANGUAGE plpgsql");
            s.execute("CREATE TRIGGER poison BEFORE UPDATE ON " + schema + ".instances FOR EACH ROW"
                    + " EXECUTE FUNCTION " + schema + ".poison()");
        }
    }

    @Override
    void whileWritesWait(Runnable body) throws Exception {
        try (Connection c = DriverManager.getConnection(TestPostgres.URL); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("LOCK TABLE " + schema + ".instances IN EXCLUSIVE MODE");
            try {
                body.run();
            } finally {
                c.rollback();
            }
        }
    }
}
