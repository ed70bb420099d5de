package io.warmpool.store.jdbc;

import io.warmpool.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Runs a store operation on a connection from a {@link ConnectionSource}: one auto-committed call, or one
 * explicit transaction that is rolled back if anything in it throws. Turns every {@link SQLException} into a
 * {@link StoreException} that names the operation and keeps the SQLState. Thread-safe.
 */
final class Transactions {

    /** Work done with one connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private static final Logger log = LoggerFactory.getLogger(Transactions.class);

    private final String store;
    private final Dialect dialect;
    private final ConnectionSource connections;
    private final Work<Void> fence; // null: unfenced

    Transactions(String store, Dialect dialect, ConnectionSource connections) {
        this(store, dialect, connections, null);
    }

    /**
     * @param fence runs first in every transaction (every call is then a transaction); it throws to refuse the work
     */
    Transactions(String store, Dialect dialect, ConnectionSource connections, Work<Void> fence) {
        this.store = store;
        this.dialect = dialect;
        this.connections = connections;
        this.fence = fence;
    }

    /** Runs {@code work} in auto-commit mode (one statement is one transaction); fenced, in one transaction. */
    <T> T call(String operation, Work<T> work) {
        if (fence != null) {
            return inTransaction(operation, work);
        }
        Connection c = acquire(operation);
        boolean broken = false;
        try {
            return work.run(c);
        } catch (SQLException e) {
            broken = dialect.connectionLost(e);
            throw failure(operation, e);
        } finally {
            connections.release(c, broken);
        }
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    <T> T inTransaction(String operation, Work<T> work) {
        Connection c = acquire(operation);
        boolean broken = false;
        try {
            c.setAutoCommit(false);
            if (fence != null) {
                fence.run(c);
            }
            T result = work.run(c);
            c.commit();
            return result;
        } catch (SQLException e) {
            rollback(c, e);
            broken = dialect.connectionLost(e);
            throw failure(operation, e);
        } catch (RuntimeException | Error e) {
            rollback(c, e);
            throw e;
        } finally {
            broken |= !restoreAutoCommit(c);
            connections.release(c, broken);
        }
    }

    private Connection acquire(String operation) {
        try {
            return connections.acquire();
        } catch (SQLException e) {
            throw failure(operation, e);
        }
    }

    private static void rollback(Connection c, Throwable cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    /** False when the connection could not be put back in auto-commit mode and must not be reused. */
    private boolean restoreAutoCommit(Connection c) {
        try {
            c.setAutoCommit(true);
            return true;
        } catch (SQLException e) {
            log.warn("{} - could not restore auto-commit, dropping the connection: {}", store, e.toString());
            return false;
        }
    }

    StoreException failure(String operation, SQLException e) {
        String state = dialect.sqlState(e);
        return new StoreException(store + " - " + operation + " failed (SQLState " + state + "): " + e.getMessage(),
                state, e);
    }
}
