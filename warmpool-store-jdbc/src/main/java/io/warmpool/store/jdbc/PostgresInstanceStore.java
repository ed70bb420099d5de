package io.warmpool.store.jdbc;

import io.warmpool.ConfigException;
import io.warmpool.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The shared store: one PostgreSQL schema per region shard, so that many gateways can claim from it.
 * Connections come from HikariCP ({@link #DEFAULT_POOL_SIZE} in all unless told otherwise, of which, from
 * {@link #MIN_SPLIT_POOL} on, up to half serve only claims and releases; validated, with a max lifetime; a caller waits
 * up to {@link #ACQUIRE_TIMEOUT} for one); claims lock their candidates with {@code FOR UPDATE SKIP LOCKED}.
 * The schema and its tables are created on open. Credentials go in the URL or the driver's usual properties:
 * {@code jdbc:postgresql://db:5432/warmpool?user=warmpool&password=...}. Thread-safe.
 */
public final class PostgresInstanceStore extends JdbcInstanceStore {

    public static final int DEFAULT_POOL_SIZE = 8;
    public static final Duration ACQUIRE_TIMEOUT = Duration.ofSeconds(5);
    /** Below this many connections the claims share the store's pool instead of having their own. */
    static final int MIN_SPLIT_POOL = 4;

    private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    /** Serializes migrations of every warmpool schema in one database; the value is arbitrary but fixed. */
    private static final long MIGRATION_LOCK = 0x7761726d706f6f6cL; // "warmpool"
    private static final Logger log = LoggerFactory.getLogger(PostgresInstanceStore.class);

    private final String schema;

    /**
     * Every connection: no JIT compilation. The store's statements are short indexed ones that run in well under a
     * millisecond, but a generic plan of the claim (a parameter in its LIMIT) is estimated above
     * {@code jit_above_cost}, and PostgreSQL then compiled it on every run: 132 claims/s against 2,415 with custom
     * plans (ClaimProbe, 1M rows, 4 connections; BENCHMARKS.md §6w).
     */
    static final String SESSION = "SET jit = off";
    /**
     * The claim connections' settings: also generic plans. The driver prepares a statement on the server after a few
     * runs, and PostgreSQL would still plan the claim afresh on every run, as its custom plans look cheaper; the
     * planning cost about as much as the run (ClaimProbe: 2,712 claims/s with custom plans, 2,991 generic; the
     * combiner's many-row claim 1,630 and 3,264). Only the claim and release statements run there: their generic
     * plans are what {@code ClaimPlanTest} checks, where a housekeeping query's might not be.
     */
    static final String CLAIM_SESSION = SESSION + "; SET plan_cache_mode = force_generic_plan";

    private PostgresInstanceStore(String name, String schema, ConnectionSource connections,
                                  ConnectionSource claimConnections) {
        super(name, Dialect.POSTGRES, connections, claimConnections);
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
        // migrate on a connection of its own, so that an unreachable server fails with the driver's own error
        try (Connection c = DriverManager.getConnection(jdbcUrl)) {
            c.setSchema(schema);
            int version = Migrations.apply(c, name, Dialect.POSTGRES, List.of(
                    "SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")",
                    "CREATE SCHEMA IF NOT EXISTS " + schema));
            log.info("{} - opened (schema version {}, poolSize={})", name, version, poolSize);
        } catch (SQLException e) {
            throw new StoreException(name + " - open failed (SQLState " + e.getSQLState() + "): " + e.getMessage(),
                    e.getSQLState(), e);
        }
        if (poolSize < MIN_SPLIT_POOL) {
            // too few to split: claims share the store's connections (custom plans, still no JIT)
            ConnectionSource shared = new HikariConnectionSource(name, jdbcUrl, schema, poolSize, 2, ACQUIRE_TIMEOUT,
                    SESSION);
            return new PostgresInstanceStore(name, schema, shared, shared);
        }
        // claims and releases on connections of their own, with the settings above, taken out of poolSize (a server
        // opens one store per region, and many gateways share one PostgreSQL): as many as the claim combiner runs
        // transactions at once, at most half
        int claimPool = Math.min(Dialect.POSTGRES.combinerThreads(), poolSize / 2);
        return new PostgresInstanceStore(name, schema,
                new HikariConnectionSource(name, jdbcUrl, schema, poolSize - claimPool, 2, ACQUIRE_TIMEOUT, SESSION),
                new HikariConnectionSource(name + " claims", jdbcUrl, schema, claimPool, 1, ACQUIRE_TIMEOUT,
                        CLAIM_SESSION));
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
