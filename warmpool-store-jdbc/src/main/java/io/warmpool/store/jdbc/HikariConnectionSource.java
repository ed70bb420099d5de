package io.warmpool.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.warmpool.StoreException;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * PostgreSQL connections from HikariCP: at most {@code size}, validated before they are handed out, retired after
 * {@link #MAX_LIFETIME} (with HikariCP's own jitter), kept alive while idle. A caller waits up to
 * {@code acquireTimeout} for one, then gets a {@link StoreException} carrying the last connection error's SQLState.
 * A connection that failed with a connection-level error is evicted, not reused. Thread-safe.
 */
final class HikariConnectionSource implements ConnectionSource {
    static final Duration MAX_LIFETIME = Duration.ofMinutes(30);
    static final Duration KEEPALIVE = Duration.ofMinutes(2);

    private final String name;
    private final HikariDataSource pool;

    /**
     * At most {@code size} connections, {@code minIdle} kept open while idle; every connection runs {@code initSql}
     * once when it opens (settings of the session, see {@link PostgresInstanceStore}).
     */
    HikariConnectionSource(String name, String jdbcUrl, String schema, int size, int minIdle, Duration acquireTimeout,
                           String initSql) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(jdbcUrl);
        config.setSchema(schema);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(Math.min(minIdle, size));
        config.setConnectionTimeout(acquireTimeout.toMillis());
        config.setMaxLifetime(MAX_LIFETIME.toMillis());
        config.setKeepaliveTime(KEEPALIVE.toMillis());
        config.setInitializationFailTimeout(-1); // the store migrated already; a later outage shows on acquire
        config.addDataSourceProperty("ApplicationName", "warmpool");
        config.setConnectionInitSql(initSql);
        this.name = name;
        this.pool = new HikariDataSource(config);
    }

    @Override
    public Connection acquire() throws SQLException {
        if (pool.isClosed()) {
            throw new StoreException(name + " is closed", null, null);
        }
        return pool.getConnection();
    }

    @Override
    public void release(Connection connection, boolean broken) {
        if (broken) {
            pool.evictConnection(connection);
            return;
        }
        try {
            connection.close();
        } catch (SQLException e) {
            pool.evictConnection(connection);
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
