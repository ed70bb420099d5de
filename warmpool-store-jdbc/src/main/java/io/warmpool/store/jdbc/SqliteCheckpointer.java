package io.warmpool.store.jdbc;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
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
 * store's writer.
 *
 * <p>A PASSIVE checkpoint never restarts the log either: SQLite starts writing the WAL from its beginning again
 * only when a writer begins while every frame has been copied back, which a shard written without pause never
 * shows. The log then grew without bound (745 MB in 15 s of ShardBench at 100k rows, gigabytes at 1M) and every
 * page read and commit slowed with it, until claims and the heartbeat writer crawled. So when the log holds more
 * than {@link #RESTART_FRAMES} frames after a PASSIVE pass, a RESTART checkpoint runs on the store's own
 * connection, in its turn: it copies the few frames written since that pass and makes the next write start the log
 * over. Writers wait for that one step (a few milliseconds, once per {@value #RESTART_FRAMES} frames). Failures are
 * logged once per streak and retried on the next tick. Thread-safe.
 */
final class SqliteCheckpointer implements AutoCloseable {
    static final Duration EVERY = Duration.ofMillis(500);
    /** Frames in the log (4 KiB each: 64 MiB) past which the log is restarted. */
    static final int RESTART_FRAMES = 16_384;
    private static final Logger log = LoggerFactory.getLogger(SqliteCheckpointer.class);

    private final String name;
    private final Connection connection;
    private final ConnectionSource store;
    private final ScheduledExecutorService thread;
    private boolean failing; // checkpoint thread only

    private SqliteCheckpointer(String name, Connection connection, ConnectionSource store) {
        this.name = name;
        this.connection = connection;
        this.store = store;
        this.thread = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("sqlite-checkpoint").factory());
        thread.scheduleWithFixedDelay(this::checkpoint, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts checkpointing {@code url}; null when a second connection cannot be had (auto-checkpoint stays on). */
    static SqliteCheckpointer start(String name, String url, java.util.Properties config, ConnectionSource store) {
        try {
            return new SqliteCheckpointer(name, DriverManager.getConnection(url, config), store);
        } catch (SQLException e) {
            log.warn("{} - no background checkpoints ({}); SQLite checkpoints inside writes", name, e.getMessage());
            return null;
        }
    }

    private void checkpoint() {
        try {
            if (walFrames(connection, "PASSIVE") > RESTART_FRAMES) {
                restart();
            }
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

    /** Runs a checkpoint in {@code mode}; the frames the log holds (-1 when unknown). */
    private static int walFrames(Connection c, String mode) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(" + mode + ")")) {
            return rs.next() ? rs.getInt(2) : -1;
        }
    }

    private void restart() throws SQLException {
        Connection c = store.acquire();
        boolean broken = false;
        try {
            walFrames(c, "RESTART");
        } catch (SQLException e) {
            broken = true;
            throw e;
        } finally {
            store.release(c, broken);
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
