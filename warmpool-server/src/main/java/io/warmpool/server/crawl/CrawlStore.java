package io.warmpool.server.crawl;

import io.warmpool.StoreException;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * Crawl jobs and their records in SQL: a SQLite file beside the region shards, or PostgreSQL tables named with the
 * store's schema prefix, shared by every gateway. Each record is one URL of a job, {@code queued} until a worker
 * finishes it. A running job is run by one gateway at a time, its <b>owner</b>: it holds the job's lease until
 * {@code lease_until} and renews it; each claim raises the job's {@code fence}, and every write of a worker names the
 * fence it claimed with, so a worker whose lease was taken over (or whose job was cancelled) has its writes refused.
 * Portable SQL only ({@code ON CONFLICT DO NOTHING} works in both). Thread-safe.
 */
public final class CrawlStore implements AutoCloseable {
    private static final String JOB_COLUMNS = "id, tenant, body, status, created_at, bytes, browser_ms, fence";

    /** A job as stored; {@code body} is the validated request as JSON; {@code fence} counts its claims. */
    public record Job(String id, String tenant, String body, String status, long createdAt, long bytes, long browserMs,
                      long fence) {
    }

    /** One URL of a job; {@code body} is the finished record as JSON (null while queued). */
    public record Entry(long seq, String url, int depth, String status, String body) {
    }

    private final CrawlSql sql;
    private final String jobs;
    private final String records;
    /** A fenced write's guard: the job still runs under the writer's claim. Arguments: job, fence. */
    private final String owned;

    private CrawlStore(Connection connection, String prefix) {
        this.sql = new CrawlSql(connection);
        this.jobs = prefix + "crawl_jobs";
        this.records = prefix + "crawl_records";
        this.owned = "EXISTS (SELECT 1 FROM " + jobs + " WHERE id = ? AND fence = ? AND status = 'running')";
        sql.update("CREATE TABLE IF NOT EXISTS " + jobs + " (id VARCHAR(64) PRIMARY KEY, tenant VARCHAR(200) NOT NULL,"
                + " body TEXT NOT NULL, status VARCHAR(40) NOT NULL, created_at BIGINT NOT NULL,"
                + " bytes BIGINT NOT NULL, browser_ms BIGINT NOT NULL)");
        sql.addColumnIfMissing(jobs, "owner", "VARCHAR(200)");
        sql.addColumnIfMissing(jobs, "lease_until", "BIGINT NOT NULL DEFAULT 0");
        sql.addColumnIfMissing(jobs, "fence", "BIGINT NOT NULL DEFAULT 0");
        sql.update("CREATE TABLE IF NOT EXISTS " + records + " (job VARCHAR(64) NOT NULL, seq BIGINT NOT NULL,"
                + " url TEXT NOT NULL, depth INT NOT NULL, status VARCHAR(20) NOT NULL, body TEXT,"
                + " PRIMARY KEY (job, url))");
        sql.update("CREATE INDEX IF NOT EXISTS " + records + "_by_seq ON " + records + " (job, seq)");
        sql.update("CREATE INDEX IF NOT EXISTS " + jobs + "_by_status ON " + jobs + " (status, lease_until)");
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

    /** Creates a running job owned by {@code owner} until {@code leaseUntil} (its first claim: fence 1). */
    public void create(Job job, String firstUrl, String owner, long leaseUntil) {
        sql.update("INSERT INTO " + jobs + " (id, tenant, body, status, created_at, bytes, browser_ms, owner, lease_until,"
                + " fence) VALUES (?,?,?,?,?,0,0,?,?,1)", job.id(), job.tenant(), job.body(), "running", job.createdAt(),
                owner, leaseUntil);
        sql.update("INSERT INTO " + records + " (job, seq, url, depth, status, body) VALUES (?,1,?,0,'queued',NULL)",
                job.id(), firstUrl);
    }

    public Optional<Job> job(String id) {
        return sql.query("SELECT " + JOB_COLUMNS + " FROM " + jobs + " WHERE id = ?", CrawlStore::job, id)
                .stream().findFirst();
    }

    /** Running jobs nobody holds: never claimed, released, or their owner's lease ended before {@code now}. */
    public List<String> claimable(long now, int limit) {
        return sql.query("SELECT id FROM " + jobs + " WHERE status = 'running' AND (owner IS NULL OR lease_until < ?)"
                + " ORDER BY created_at LIMIT " + Math.max(0, limit), rs -> rs.getString(1), now);
    }

    /**
     * Takes a running job for {@code owner} until {@code until}, if nobody holds it at {@code now}; in one
     * conditional statement, so two gateways never both take it. Returns the new fence.
     */
    public Optional<Long> claim(String id, String owner, long now, long until) {
        return sql.locked(() -> {
            int taken = sql.update("UPDATE " + jobs + " SET owner = ?, lease_until = ?, fence = fence + 1 WHERE id = ?"
                    + " AND status = 'running' AND (owner IS NULL OR lease_until < ?)", owner, until, id, now);
            return taken == 0 ? Optional.<Long>empty() : sql.query("SELECT fence FROM " + jobs + " WHERE id = ?"
                    + " AND owner = ?", rs -> rs.getLong(1), id, owner).stream().findFirst();
        });
    }

    /** Extends the claim {@code fence} to {@code until}; false when it was taken over or the job ended. */
    public boolean renew(String id, long fence, long until) {
        return sql.update("UPDATE " + jobs + " SET lease_until = ? WHERE id = ? AND fence = ? AND status = 'running'",
                until, id, fence) == 1;
    }

    /** Gives the claim {@code fence} up, so that any gateway may take the job at once. */
    public void release(String id, long fence) {
        sql.update("UPDATE " + jobs + " SET owner = NULL, lease_until = 0 WHERE id = ? AND fence = ?", id, fence);
    }

    public Optional<Entry> nextQueued(String job) {
        return sql.query("SELECT seq, url, depth, status, body FROM " + records + " WHERE job = ? AND status = ?"
                + " ORDER BY seq LIMIT 1", CrawlStore::entry, job, "queued").stream().findFirst();
    }

    /** Adds {@code url} to the job under claim {@code fence} unless it is there already; whether it was added. */
    public boolean enqueue(String job, long fence, String url, int depth) {
        return sql.locked(() -> {
            long seq = sql.query("SELECT COALESCE(MAX(seq), 0) + 1 FROM " + records + " WHERE job = ?",
                    rs -> rs.getLong(1), job).get(0);
            return sql.update("INSERT INTO " + records + " (job, seq, url, depth, status, body) SELECT ?, ?, ?, ?,"
                    + " 'queued', NULL WHERE " + owned + " ON CONFLICT DO NOTHING", job, seq, url, depth, job, fence) == 1;
        });
    }

    /** Stores a queued URL's record under claim {@code fence}; false when the claim is gone (nothing written). */
    public boolean finish(String job, long fence, String url, String status, String body, long bytes, long browserMs) {
        return finish(job, fence, url, status, body, bytes, browserMs, List.of(), 0, 0);
    }

    /**
     * Stores a queued URL's record under claim {@code fence} and queues the {@code links} found on it (at
     * {@code depth}, while the job holds fewer than {@code queuedBound} URLs), in one transaction: an owner that dies
     * in between leaves neither, so the next owner never finds the page done and its links missing. False when the
     * claim is gone (nothing written).
     */
    public boolean finish(String job, long fence, String url, String status, String body, long bytes, long browserMs,
                          List<String> links, int depth, long queuedBound) {
        return sql.transaction(() -> {
            if (sql.update("UPDATE " + records + " SET status = ?, body = ? WHERE job = ? AND url = ? AND status = 'queued'"
                    + " AND " + owned, status, body, job, url, job, fence) == 0) {
                return false;
            }
            sql.update("UPDATE " + jobs + " SET bytes = bytes + ?, browser_ms = browser_ms + ? WHERE id = ?", bytes,
                    browserMs, job);
            for (String link : links) {
                if (count(job, null) >= queuedBound) {
                    break;
                }
                enqueue(job, fence, link, depth);
            }
            return true;
        });
    }

    /** Ends a running job (a user's cancel, from any gateway); whether it was running. */
    public boolean end(String job, String status) {
        return sql.update("UPDATE " + jobs + " SET status = ? WHERE id = ? AND status = 'running'", status, job) == 1;
    }

    /** Ends a running job under claim {@code fence} (its owner's verdict); whether it did. */
    public boolean end(String job, long fence, String status) {
        return sql.update("UPDATE " + jobs + " SET status = ? WHERE id = ? AND fence = ? AND status = 'running'",
                status, job, fence) == 1;
    }

    /** Marks every queued URL of the job {@code status} (skipped or cancelled). */
    public void dropQueued(String job, String status) {
        sql.update("UPDATE " + records + " SET status = ? WHERE job = ? AND status = ?", status, job, "queued");
    }

    public long count(String job, String status) {
        return sql.query("SELECT COUNT(*) FROM " + records + " WHERE job = ?" + (status == null ? "" : " AND status = ?"),
                rs -> rs.getLong(1), status == null ? new Object[]{job} : new Object[]{job, status}).get(0);
    }

    public long runningOf(String tenant) {
        return sql.query("SELECT COUNT(*) FROM " + jobs + " WHERE tenant = ? AND status = ?", rs -> rs.getLong(1),
                tenant, "running").get(0);
    }

    /** Finished entries (not queued) after {@code afterSeq}, oldest first, at most {@code limit}. */
    public List<Entry> page(String job, long afterSeq, int limit) {
        return sql.query("SELECT seq, url, depth, status, body FROM " + records + " WHERE job = ? AND seq > ? AND status <> ?"
                + " ORDER BY seq LIMIT " + limit, CrawlStore::entry, job, afterSeq, "queued");
    }

    private static Job job(ResultSet rs) throws SQLException {
        return new Job(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                rs.getLong(6), rs.getLong(7), rs.getLong(8));
    }

    private static Entry entry(ResultSet rs) throws SQLException {
        return new Entry(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getString(4), rs.getString(5));
    }

    @Override
    public void close() {
        sql.close();
    }
}
