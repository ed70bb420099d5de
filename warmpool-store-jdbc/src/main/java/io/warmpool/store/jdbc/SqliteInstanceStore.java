package io.warmpool.store.jdbc;

import io.warmpool.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * The embedded store: one SQLite file per region shard, in WAL mode with {@code synchronous=NORMAL} (a power
 * loss may drop the last transactions, never corrupt the file). One connection, shared under a lock: SQLite
 * serializes writers anyway, and a claim costs tens of microseconds. Its statements are prepared once
 * ({@link StatementCache}) and the WAL is checkpointed in the background ({@link SqliteCheckpointer}), so neither
 * parsing nor a checkpoint's fsync runs inside a claim. Other processes may open the same file;
 * they wait up to {@link #BUSY_TIMEOUT} for its write lock. Thread-safe.
 *
 * <pre>{@code
 * try (SqliteInstanceStore store = SqliteInstanceStore.open(Path.of("data/weur.db"))) { ... }
 * }</pre>
 */
public final class SqliteInstanceStore extends JdbcInstanceStore {

    /** How long a statement waits for another process's write lock before failing with SQLITE_BUSY. */
    public static final Duration BUSY_TIMEOUT = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(SqliteInstanceStore.class);

    /** Page cache per connection, in KiB (64 MiB): the hot parts of a million-row shard's indexes. */
    static final int CACHE_KIB = 64 * 1024;
    /** The file is memory-mapped up to this size, so that pages outside the cache cost no read call. */
    static final long MMAP_BYTES = 1L << 30;

    /** Prepared statements kept per shard (the store uses a few dozen distinct texts). */
    static final int STATEMENT_CACHE = 64;

    private final Path file;
    private final SqliteCheckpointer checkpointer; // null when SQLite checkpoints by itself

    private SqliteInstanceStore(String name, Path file, ConnectionSource connections, SqliteCheckpointer checkpointer) {
        super(name, Dialect.SQLITE, connections);
        this.file = file;
        this.checkpointer = checkpointer;
    }

    /**
     * Opens (creating it and its parent directories when missing) the store in {@code file} and brings its
     * schema up to date.
     *
     * @throws StoreException when the file cannot be created, opened or migrated
     */
    public static SqliteInstanceStore open(Path file) {
        Path path = file.toAbsolutePath().normalize();
        String name = "sqlite:" + path;
        Path parent = path.getParent();
        try {
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new StoreException(name + " - cannot create directory " + parent + ": " + e, null, e);
        }
        Connection c = null;
        try {
            c = DriverManager.getConnection("jdbc:sqlite:" + path, config().toProperties());
            int version = Migrations.apply(c, name, Dialect.SQLITE, List.of());
            ConnectionSource connections = new SingleConnectionSource(name, StatementCache.wrap(c, STATEMENT_CACHE));
            SqliteCheckpointer checkpointer = SqliteCheckpointer.start(name, "jdbc:sqlite:" + path,
                    config().toProperties(), connections);
            if (checkpointer != null) {
                try (Statement s = c.createStatement()) {
                    s.execute("PRAGMA wal_autocheckpoint = 0");
                }
            }
            log.info("{} - opened (schema version {}, background checkpoints {})", name, version,
                    checkpointer == null ? "off" : "every " + SqliteCheckpointer.EVERY.toMillis() + " ms");
            return new SqliteInstanceStore(name, path, connections, checkpointer);
        } catch (SQLException e) {
            closeQuietly(c, e);
            String state = Dialect.SQLITE.sqlState(e);
            throw new StoreException(name + " - open failed (SQLState " + state + "): " + e.getMessage(), state, e);
        } catch (RuntimeException e) {
            closeQuietly(c, e);
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            if (checkpointer != null) {
                checkpointer.close();
            }
        } finally {
            super.close();
        }
    }

    /** The database file. */
    public Path file() {
        return file;
    }

    private static SQLiteConfig config() {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout((int) BUSY_TIMEOUT.toMillis());
        // a claim or release rewrites a row and ~6 index entries at random places of indexes that reach hundreds of MB
        // at a million rows; with SQLite's default 2 MB cache every one of them is a read from the OS
        config.setCacheSize(-CACHE_KIB);
        config.setPragma(SQLiteConfig.Pragma.MMAP_SIZE, Long.toString(MMAP_BYTES));
        // take the write lock when a transaction begins, so two processes never deadlock upgrading a read lock
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        return config;
    }

    private static void closeQuietly(Connection c, Exception cause) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
