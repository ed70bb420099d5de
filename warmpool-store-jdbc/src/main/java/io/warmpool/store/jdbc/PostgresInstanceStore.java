package io.warmpool.store.jdbc;

import io.warmpool.ConfigException;
import io.warmpool.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The shared store: one PostgreSQL schema per region shard, so that many gateways can claim from it.
 * Connections come from HikariCP ({@link #DEFAULT_POOL_SIZE} unless told otherwise; validated, with a max lifetime;
 * a caller waits up to {@link #ACQUIRE_TIMEOUT} for one); claims lock their candidates with {@code FOR UPDATE SKIP LOCKED}.
 * The schema and its tables are created on open. Credentials go in the URL or the driver's usual properties:
 * {@code jdbc:postgresql://db:5432/warmpool?user=warmpool&password=...}. Thread-safe.
 */
public final class PostgresInstanceStore extends JdbcInstanceStore {

    public static final int DEFAULT_POOL_SIZE = 8;
    public static final Duration ACQUIRE_TIMEOUT = Duration.ofSeconds(5);

    private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    /** Serializes migrations of every warmpool schema in one database; the value is arbitrary but fixed. */
    private static final long MIGRATION_LOCK = 0x7761726d706f6f6cL; // "warmpool"
    private static final Logger log = LoggerFactory.getLogger(PostgresInstanceStore.class);

    private final String schema;

    private PostgresInstanceStore(String name, String schema, ConnectionSource connections) {
        super(name, Dialect.POSTGRES, connections);
        this.schema = schema;
    }

    /** Opens the store in {@code schema} with {@link #DEFAULT_POOL_SIZE} connections at most. */
    public static PostgresInstanceStore open(String jdbcUrl, String schema) {
        return open(jdbcUrl, schema, DEFAULT_POOL_SIZE);
    }

    /**
     * Opens the store in {@code schema} (created when missing) of the database at {@code jdbcUrl}, with at most
     * {@code poolSize} connections, and brings its tables up to date.
     *
     * @throws ConfigException when an argument is malformed
     * @throws StoreException  when the database cannot be reached or migrated
     */
    public static PostgresInstanceStore open(String jdbcUrl, String schema, int poolSize) {
        if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new ConfigException("jdbcUrl must start with jdbc:postgresql: (jdbcUrl=" + redact(jdbcUrl) + ")");
        }
        if (schema == null || !SCHEMA.matcher(schema).matches()) {
            throw new ConfigException("schema must match " + SCHEMA + " (schema=" + schema + ")");
        }
        if (poolSize < 1 || poolSize > 256) {
            throw new ConfigException("poolSize must be between 1 and 256 (poolSize=" + poolSize + ")");
        }
        String name = "postgres:" + redact(jdbcUrl).substring("jdbc:".length()) + "#" + schema;
        HikariConnectionSource pool = new HikariConnectionSource(name, jdbcUrl, schema, poolSize, ACQUIRE_TIMEOUT);
        try {
            Connection c = pool.acquire();
            boolean broken = true;
            try {
                int version = Migrations.apply(c, name, Dialect.POSTGRES, List.of(
                        "SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")",
                        "CREATE SCHEMA IF NOT EXISTS " + schema));
                broken = false;
                log.info("{} - opened (schema version {}, poolSize={})", name, version, poolSize);
            } finally {
                pool.release(c, broken);
            }
            return new PostgresInstanceStore(name, schema, pool);
        } catch (SQLException e) {
            pool.close();
            throw new StoreException(name + " - open failed (SQLState " + e.getSQLState() + "): " + e.getMessage(),
                    e.getSQLState(), e);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** The schema that holds this store's tables. */
    public String schema() {
        return schema;
    }

    /** The URL without its query string, which may carry a password. */
    private static String redact(String jdbcUrl) {
        if (jdbcUrl == null) {
            return null;
        }
        int q = jdbcUrl.indexOf('?');
        return q < 0 ? jdbcUrl : jdbcUrl.substring(0, q);
    }
}
