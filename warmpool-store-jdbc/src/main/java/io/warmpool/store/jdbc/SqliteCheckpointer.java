package io.warmpool.store.jdbc;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Folds a SQLite shard's write-ahead log into the database on its own connection and thread, every
 * {@link #EVERY}, so that no claim ever pays for a checkpoint (and its fsync) under the store's connection lock;
 * the store turns SQLite's own auto-checkpoint off while this runs. A PASSIVE checkpoint never waits for the
 * store's writer. Failures are logged once per streak and retried on the next tick. Thread-safe.
 */
final class SqliteCheckpointer implements AutoCloseable {
    static final Duration EVERY = Duration.ofMillis(500);
    private static final Logger log = LoggerFactory.getLogger(SqliteCheckpointer.class);

    private final String name;
    private final Connection connection;
    private final ScheduledExecutorService thread;
    private boolean failing; // checkpoint thread only

    private SqliteCheckpointer(String name, Connection connection) {
        this.name = name;
        this.connection = connection;
        this.thread = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("sqlite-checkpoint").factory());
        thread.scheduleWithFixedDelay(this::checkpoint, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts checkpointing {@code url}; null when a second connection cannot be had (auto-checkpoint stays on). */
    static SqliteCheckpointer start(String name, String url, java.util.Properties config) {
        try {
            return new SqliteCheckpointer(name, DriverManager.getConnection(url, config));
        } catch (SQLException e) {
            log.warn("{} - no background checkpoints ({}); SQLite checkpoints inside writes", name, e.getMessage());
            return null;
        }
    }

    private void checkpoint() {
        try (Statement s = connection.createStatement()) {
            s.execute("PRAGMA wal_checkpoint(PASSIVE)");
            if (failing) {
                failing = false;
                log.info("{} - background checkpoints work again", name);
            }
        } catch (SQLException | RuntimeException e) {
            if (!failing) {
                failing = true;
                log.warn("{} - background checkpoint failed, retrying: {}", name, e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            connection.close();
        } catch (SQLException e) {
            log.debug("{} - closing the checkpoint connection: {}", name, e.toString());
        }
    }
}
