package io.warmpool.store.jdbc;

import io.warmpool.StoreException;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One connection shared under a lock: right for SQLite, whose writers serialize on the database file anyway,
 * and whose per-statement cost is microseconds. Callers hold the lock from acquire to release and get it in arrival
 * order. Thread-safe.
 */
final class SingleConnectionSource implements ConnectionSource {

    private final String name;
    /*
     * Fair: callers get the connection in arrival order. Unfair, a few threads claiming back to back kept barging past
     * the heartbeat writer, which waited 12.6 s of a 20 s ShardBench window for it (JFR, jdk.ThreadPark) while the
     * queue filled; in order, a batch waits behind at most the claims already queued.
     */
    private final ReentrantLock lock = new ReentrantLock(true);
    private final Connection connection; // guarded by lock
    private boolean closed; // guarded by lock

    SingleConnectionSource(String name, Connection connection) {
        this.name = name;
        this.connection = connection;
    }

    @Override
    public Connection acquire() {
        lock.lock();
        if (closed) {
            lock.unlock();
            throw new StoreException(name + " is closed", null, null);
        }
        return connection;
    }

    @Override
    public void release(Connection connection, boolean broken) {
        lock.unlock();
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                connection.close();
            }
        } catch (SQLException e) {
            throw new StoreException("closing " + name + " failed: " + e.getMessage(), e.getSQLState(), e);
        } finally {
            lock.unlock();
        }
    }
}
