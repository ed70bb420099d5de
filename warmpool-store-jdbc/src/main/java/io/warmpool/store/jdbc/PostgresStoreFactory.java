package io.warmpool.store.jdbc;

import io.warmpool.ConfigException;
import io.warmpool.spi.InstanceStore;
import io.warmpool.spi.InstanceStoreFactory;

import java.util.Map;

/**
 * {@code postgres}: one schema per region, {@code <schemaPrefix><region>} (dashes become underscores), in the
 * database at {@code url}. Settings: {@code url}, {@code schemaPrefix}.
 */
public final class PostgresStoreFactory implements InstanceStoreFactory {

    @Override
    public String name() {
        return "postgres";
    }

    @Override
    public InstanceStore open(String region, Map<String, String> settings) {
        String url = settings.get("url");
        if (url == null) {
            throw new ConfigException("store url is required for the postgres store (url=null)");
        }
        return PostgresInstanceStore.open(url, settings.getOrDefault("schemaPrefix", "wp_") + region.replace('-', '_'));
    }
}
