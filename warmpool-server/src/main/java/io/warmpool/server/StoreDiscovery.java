package io.warmpool.server;

import io.warmpool.ConfigException;
import io.warmpool.server.config.GatewayConfig;
import io.warmpool.spi.InstanceStoreFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The store factories on the class path, found through {@link ServiceLoader}, and the one a gateway's configuration
 * selects: {@code postgres} when {@code store.postgres} is set, {@code sqlite} otherwise. Stateless.
 */
final class StoreDiscovery {

    private StoreDiscovery() {
    }

    /** Every factory on the class path, by name. */
    static Map<String, InstanceStoreFactory> all() {
        Map<String, InstanceStoreFactory> out = new TreeMap<>();
        for (InstanceStoreFactory f : ServiceLoader.load(InstanceStoreFactory.class)) {
            out.putIfAbsent(f.name(), f);
        }
        return out;
    }

    /** The configured store, opening one shard per region. */
    static Gateway.StoreFactory configured(GatewayConfig config) {
        String name = config.store().postgres() ? "postgres" : "sqlite";
        Map<String, InstanceStoreFactory> found = all();
        InstanceStoreFactory factory = found.get(name);
        if (factory == null) {
            throw new ConfigException("store '" + name + "' is not on the class path (found " + found.keySet() + ")");
        }
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("dataDir", config.dataDir().toString());
        if (config.store().postgres()) {
            settings.put("url", config.store().postgresUrl());
            settings.put("schemaPrefix", config.store().schemaPrefix());
        }
        Map<String, String> fixed = Map.copyOf(settings);
        return region -> factory.open(region.name(), fixed);
    }
}
