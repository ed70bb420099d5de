package io.warmpool.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Where the store gets a connection for one call. Every {@link #acquire()} is paired with one {@link #release};
 * a connection is used by one caller at a time and is in auto-commit mode between calls. Thread-safe.
 */
interface ConnectionSource extends AutoCloseable {

    /**
     * A connection for the caller's exclusive use until {@link #release}.
     *
     * @throws io.warmpool.StoreException when none could be had in time or the source is closed
     */
    Connection acquire() throws SQLException;

    /** Gives the connection back; {@code broken} ones are closed instead of reused. */
    void release(Connection connection, boolean broken);

    /** Closes idle connections now and in-use ones as they come back. Idempotent. */
    @Override
    void close();
}
