package io.warmpool.store.jdbc;

import io.warmpool.ConfigException;
import io.warmpool.spi.InstanceStore;
import io.warmpool.spi.InstanceStoreFactory;

import java.nio.file.Path;
import java.util.Map;

/** {@code sqlite}: one file per region, {@code <dataDir>/<region>.db}. Settings: {@code dataDir}. */
public final class SqliteStoreFactory implements InstanceStoreFactory {

    @Override
    public String name() {
        return "sqlite";
    }

    @Override
    public InstanceStore open(String region, Map<String, String> settings) {
        String dir = settings.get("dataDir");
        if (dir == null || dir.isBlank()) {
            throw new ConfigException("store dataDir is required for the sqlite store (dataDir=" + dir + ")");
        }
        return SqliteInstanceStore.open(Path.of(dir).resolve(region + ".db"));
    }
}
