package io.warmpool.server.config;

import io.warmpool.ConfigException;

/**
 * Where each region's shard lives: a SQLite file {@code <dataDir>/<region>.db} (the embedded default), or, for many
 * gateways sharing state, a PostgreSQL schema {@code <schemaPrefix><region>} at {@code postgresUrl}.
 */
public record StoreSettings(String postgresUrl, String schemaPrefix) {
    public static final StoreSettings SQLITE = new StoreSettings(null, "wp_");

    public StoreSettings {
        if (postgresUrl != null && !postgresUrl.startsWith("jdbc:postgresql:")) {
            throw new ConfigException("store.postgres must be a jdbc:postgresql: URL");
        }
        if (schemaPrefix == null || !schemaPrefix.matches("[a-z_][a-z0-9_]{0,40}")) {
            throw new ConfigException("store.schemaPrefix must match [a-z_][a-z0-9_]{0,40} (schemaPrefix=" + schemaPrefix + ")");
        }
    }

    public boolean postgres() {
        return postgresUrl != null;
    }
}
