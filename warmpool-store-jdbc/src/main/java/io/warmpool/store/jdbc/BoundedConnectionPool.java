package io.warmpool.store.jdbc;

import io.warmpool.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * At most {@code size} connections, opened on demand and kept for reuse (most recently used first, so a quiet
 * store keeps few busy). A caller waits up to {@code acquireTimeout} for one, then gets a {@link StoreException}.
 * A connection that failed with a connection-level error is closed, not reused. Thread-safe.
 */
final class BoundedConnectionPool implements ConnectionSource {

    /** Opens a new, configured connection. */
    interface Opener {
        Connection open() throws SQLException;
    }

    private static final Logger log = LoggerFactory.getLogger(BoundedConnectionPool.class);

    private final String name;
    private final Opener opener;
    private final int size;
    private final Duration acquireTimeout;
    private final Semaphore permits;
    private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    BoundedConnectionPool(String name, Opener opener, int size, Duration acquireTimeout) {
        this.name = name;
        this.opener = opener;
        this.size = size;
        this.acquireTimeout = acquireTimeout;
        this.permits = new Semaphore(size, true);
    }

    @Override
    public Connection acquire() throws SQLException {
        if (closed) {
            throw new StoreException(name + " is closed", null, null);
        }
        try {
            if (!permits.tryAcquire(acquireTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new StoreException(name + " - no connection after " + acquireTimeout.toMillis() + "ms (size="
                        + size + ", idle=" + idle.size() + ")", null, null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException(name + " - interrupted while waiting for a connection", null, e);
        }
        Connection c = idle.pollFirst();
        if (c != null) {
            return c;
        }
        try {
            return opener.open();
        } catch (SQLException | RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    @Override
    public void release(Connection connection, boolean broken) {
        try {
            if (broken || closed) {
                closeQuietly(connection);
            } else {
                idle.offerFirst(connection);
                if (closed && idle.remove(connection)) { // close() ran meanwhile
                    closeQuietly(connection);
                }
            }
        } finally {
            permits.release();
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Connection c = idle.pollFirst(); c != null; c = idle.pollFirst()) {
            closeQuietly(c);
        }
    }

    private void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            log.debug("{} - closing a connection failed: {}", name, e.toString());
        }
    }
}
