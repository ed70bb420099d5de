package io.warmpool.store.jdbc;

import io.warmpool.spi.InstanceStore;
import io.warmpool.testkit.InstanceStoreContract;
import org.junit.jupiter.api.AfterEach;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The store contract on a real PostgreSQL, one fresh schema per test. */
class PostgresInstanceStoreTest extends InstanceStoreContract {

    private final List<String> schemas = new ArrayList<>();

    @Override
    protected InstanceStore newStore() {
        String schema = TestPostgres.newSchema();
        schemas.add(schema);
        return PostgresInstanceStore.open(TestPostgres.URL, schema);
    }

    @AfterEach
    void dropSchemas() throws SQLException {
        store.close();
        for (String schema : schemas) {
            TestPostgres.dropSchema(schema);
        }
    }
}
