package io.warmpool.server.crawl;

import io.warmpool.StoreException;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Crawl jobs and their records in SQL: a SQLite file beside the region shards, or PostgreSQL tables named with the
 * store's schema prefix. Each record is one URL of a job, {@code queued} until a worker finishes it. Portable SQL only
 * ({@code ON CONFLICT DO NOTHING} works in both). One connection behind a lock. Thread-safe.
 */
public final class CrawlStore implements AutoCloseable {
    /** A job as stored; {@code body} is the validated request as JSON. */
    public record Job(String id, String tenant, String body, String status, long createdAt, long bytes, long browserMs) {
    }

    /** One URL of a job; {@code body} is the finished record as JSON (null while queued). */
    public record Entry(long seq, String url, int depth, String status, String body) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Connection connection; // guarded by lock
    private final String jobs;
    private final String records;

    private CrawlStore(Connection connection, String prefix) {
        this.connection = connection;
        this.jobs = prefix + "crawl_jobs";
        this.records = prefix + "crawl_records";
        update("CREATE TABLE IF NOT EXISTS " + jobs + " (id VARCHAR(64) PRIMARY KEY, tenant VARCHAR(200) NOT NULL,"
                + " body TEXT NOT NULL, status VARCHAR(40) NOT NULL, created_at BIGINT NOT NULL,"
                + " bytes BIGINT NOT NULL, browser_ms BIGINT NOT NULL)");
        update("CREATE TABLE IF NOT EXISTS " + records + " (job VARCHAR(64) NOT NULL, seq BIGINT NOT NULL,"
                + " url TEXT NOT NULL, depth INT NOT NULL, status VARCHAR(20) NOT NULL, body TEXT,"
                + " PRIMARY KEY (job, url))");
        update("CREATE INDEX IF NOT EXISTS " + records + "_by_seq ON " + records + " (job, seq)");
    }

    public static CrawlStore sqlite(Path file) {
        try {
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (var s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA busy_timeout=5000");
            }
            return new CrawlStore(c, "");
        } catch (SQLException e) {
            throw new StoreException("cannot open the crawl store " + file + ": " + e.getMessage(), e.getSQLState(), e);
        }
    }

    public static CrawlStore postgres(String url, String prefix) {
        try {
            return new CrawlStore(DriverManager.getConnection(url), prefix);
        } catch (SQLException e) {
            throw new StoreException("cannot open the crawl store: " + e.getMessage(), e.getSQLState(), e);
        }
    }

    public void create(Job job, String firstUrl) {
        update("INSERT INTO " + jobs + " (id, tenant, body, status, created_at, bytes, browser_ms) VALUES (?,?,?,?,?,0,0)",
                job.id(), job.tenant(), job.body(), job.status(), job.createdAt());
        enqueue(job.id(), firstUrl, 0);
    }

    public Optional<Job> job(String id) {
        return query("SELECT id, tenant, body, status, created_at, bytes, browser_ms FROM " + jobs + " WHERE id = ?",
                rs -> new Job(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                        rs.getLong(6), rs.getLong(7)), id).stream().findFirst();
    }

    /** Jobs still running (to resume after a restart). */
    public List<Job> running() {
        return query("SELECT id, tenant, body, status, created_at, bytes, browser_ms FROM " + jobs + " WHERE status = ?",
                rs -> new Job(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                        rs.getLong(6), rs.getLong(7)), "running");
    }

    public Optional<Entry> nextQueued(String job) {
        return query("SELECT seq, url, depth, status, body FROM " + records + " WHERE job = ? AND status = ? ORDER BY seq"
                + " LIMIT 1", CrawlStore::entry, job, "queued").stream().findFirst();
    }

    /** Adds {@code url} to the job unless it is there already; whether it was added. */
    public boolean enqueue(String job, String url, int depth) {
        lock.lock();
        try {
            long seq = query("SELECT COALESCE(MAX(seq), 0) + 1 FROM " + records + " WHERE job = ?", rs -> rs.getLong(1), job)
                    .get(0);
            return update("INSERT INTO " + records + " (job, seq, url, depth, status, body) VALUES (?,?,?,?,?,NULL)"
                    + " ON CONFLICT DO NOTHING", job, seq, url, depth, "queued") == 1;
        } finally {
            lock.unlock();
        }
    }

    public void finish(String job, String url, String status, String body, long bytes, long browserMs) {
        lock.lock();
        try {
            update("UPDATE " + records + " SET status = ?, body = ? WHERE job = ? AND url = ?", status, body, job, url);
            update("UPDATE " + jobs + " SET bytes = bytes + ?, browser_ms = browser_ms + ? WHERE id = ?", bytes,
                    browserMs, job);
        } finally {
            lock.unlock();
        }
    }

    /** Sets the job's status, unless it already ended; whether it changed. */
    public boolean end(String job, String status) {
        return update("UPDATE " + jobs + " SET status = ? WHERE id = ? AND status = ?", status, job, "running") == 1;
    }

    /** Marks every queued URL of the job {@code status} (skipped or cancelled). */
    public void dropQueued(String job, String status) {
        update("UPDATE " + records + " SET status = ? WHERE job = ? AND status = ?", status, job, "queued");
    }

    public long count(String job, String status) {
        return query("SELECT COUNT(*) FROM " + records + " WHERE job = ?" + (status == null ? "" : " AND status = ?"),
                rs -> rs.getLong(1), status == null ? new Object[]{job} : new Object[]{job, status}).get(0);
    }

    public long runningOf(String tenant) {
        return query("SELECT COUNT(*) FROM " + jobs + " WHERE tenant = ? AND status = ?", rs -> rs.getLong(1),
                tenant, "running").get(0);
    }

    /** Finished entries (not queued) after {@code afterSeq}, oldest first, at most {@code limit}. */
    public List<Entry> page(String job, long afterSeq, int limit) {
        return query("SELECT seq, url, depth, status, body FROM " + records + " WHERE job = ? AND seq > ? AND status <> ?"
                + " ORDER BY seq LIMIT " + limit, CrawlStore::entry, job, afterSeq, "queued");
    }

    private static Entry entry(ResultSet rs) throws SQLException {
        return new Entry(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getString(4), rs.getString(5));
    }

    @FunctionalInterface
    private interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> List<T> query(String sql, Row<T> row, Object... args) {
        lock.lock();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            bind(ps, args);
            List<T> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row.read(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("crawl store: " + e.getMessage(), e.getSQLState(), e);
        } finally {
            lock.unlock();
        }
    }

    private int update(String sql, Object... args) {
        lock.lock();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("crawl store: " + e.getMessage(), e.getSQLState(), e);
        } finally {
            lock.unlock();
        }
    }

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            connection.close();
        } catch (SQLException e) {
            // closing: nothing left to do
        } finally {
            lock.unlock();
        }
    }
}
