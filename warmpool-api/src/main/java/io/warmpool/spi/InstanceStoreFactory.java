package io.warmpool.spi;

import java.util.Map;

/**
 * Opens region shards of one kind of store. Found through {@link java.util.ServiceLoader} (list the implementation in
 * {@code META-INF/services/io.warmpool.spi.InstanceStoreFactory}), so a new store is a new module on the class path,
 * not an edit of the gateway. Implementations are stateless and thread-safe.
 */
public interface InstanceStoreFactory {

    /** The name a gateway's configuration selects this store by: {@code sqlite}, {@code postgres}, … */
    String name();

    /**
     * Opens (creating and migrating as needed) the shard of {@code region}.
     *
     * @param settings the store's settings from the gateway configuration, by key (for example {@code dataDir},
     *                 {@code url}, {@code schemaPrefix}); a missing or malformed one is a {@link io.warmpool.ConfigException}
     * @throws io.warmpool.StoreException when the shard cannot be opened
     */
    InstanceStore open(String region, Map<String, String> settings);
}
