package io.warmpool.store.jdbc;

import io.warmpool.spi.InstanceStore;
import io.warmpool.testkit.InstanceStoreContract;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The store contract on a SQLite file in a fresh directory per test. */
class SqliteInstanceStoreTest extends InstanceStoreContract {

    @TempDir
    Path dir;

    @Override
    protected InstanceStore newStore() {
        return SqliteInstanceStore.open(dir.resolve("shards/weur.db"));
    }
}
