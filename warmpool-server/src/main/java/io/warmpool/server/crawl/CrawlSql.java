package io.warmpool.server.crawl;

import io.warmpool.StoreException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One JDBC connection behind a lock, for the {@link CrawlStore}: statements with bound arguments, failures as
 * {@link StoreException} keeping the SQLState. Thread-safe.
 */
final class CrawlSql implements AutoCloseable {
    @FunctionalInterface
    interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Connection connection; // guarded by lock

    CrawlSql(Connection connection) {
        this.connection = connection;
    }

    /** Holds the lock across several statements (callers that read, then write what they read). */
    <T> T locked(java.util.function.Supplier<T> work) {
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code work} (queries and updates of this class) as one transaction, under the lock; rolled back on failure. */
    <T> T transaction(java.util.function.Supplier<T> work) {
        lock.lock();
        try {
            connection.setAutoCommit(false);
            try {
                T out = work.get();
                connection.commit();
                return out;
            } catch (RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException("crawl store: " + e.getMessage(), e.getSQLState(), e);
        } finally {
            lock.unlock();
        }
    }

    <T> List<T> query(String sql, Row<T> row, Object... args) {
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

    int update(String sql, Object... args) {
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

    /** Adds a column to a table of an earlier version unless it is there. */
    void addColumnIfMissing(String table, String column, String definition) {
        lock.lock();
        try (PreparedStatement ps = connection.prepareStatement("SELECT " + column + " FROM " + table + " WHERE 1 = 0")) {
            ps.executeQuery().close();
        } catch (SQLException missing) {
            update("ALTER TABLE " + table + " ADD COLUMN " + column + " " + definition);
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
