package io.warmpool.store.jdbc;

import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import java.sql.SQLException;

/** What differs between the databases the JDBC store runs on. Stateless; thread-safe. */
enum Dialect {

    SQLITE {
        @Override
        String claimLock() {
            return ""; // writers are serialized by the database lock; nothing to skip
        }

        @Override
        String rowLock() {
            return "";
        }

        @Override
        String sqlState(SQLException e) {
            if (e.getSQLState() != null || !(e instanceof SQLiteException sqlite)) {
                return e.getSQLState();
            }
            SQLiteErrorCode code = sqlite.getResultCode();
            return switch (code) {
                case SQLITE_CONSTRAINT_PRIMARYKEY, SQLITE_CONSTRAINT_UNIQUE -> "23505";
                case SQLITE_BUSY, SQLITE_BUSY_RECOVERY, SQLITE_BUSY_SNAPSHOT, SQLITE_LOCKED -> "55P03";
                default -> code.name().startsWith("SQLITE_CONSTRAINT") ? "23000" : "HY000";
            };
        }

        @Override
        boolean connectionLost(SQLException e) {
            return false; // an embedded connection does not drop
        }

        @Override
        int claimAttempts() {
            return 1;
        }

        @Override
        String explain() {
            return "EXPLAIN QUERY PLAN ";
        }

        @Override
        int combinerThreads() {
            return 1; // one connection: a second combiner would only wait for it
        }

        @Override
        int combinerBatch() {
            // the heartbeat writer waits for the connection behind at most one batch: keep it to about a millisecond
            return 16;
        }
    },

    POSTGRES {
        @Override
        String claimLock() {
            return " FOR UPDATE SKIP LOCKED";
        }

        @Override
        String rowLock() {
            return " FOR UPDATE";
        }

        @Override
        String sqlState(SQLException e) {
            return e.getSQLState();
        }

        @Override
        boolean connectionLost(SQLException e) {
            String state = e.getSQLState();
            return state == null || state.startsWith("08") || state.startsWith("57P");
        }

        @Override
        int claimAttempts() {
            // SKIP LOCKED may find every candidate locked by a concurrent claim that then takes only one of them
            return 3;
        }

        @Override
        String explain() {
            return "EXPLAIN ";
        }

        @Override
        int combinerThreads() {
            // transactions of the combiner at once, inline or batched (PostgreSQL flushes concurrent commits together):
            // with 2, two of ShardBench's 4 claimers queued for a hand-off (1,349 claims/s, p99 9.4 ms); with 4,
            // 3,121/s, p99 1.9 ms (BENCHMARKS.md §6w)
            return 4;
        }

        @Override
        int combinerBatch() {
            return 64;
        }
    };

    /**
     * The session id as an expression that compares byte-wise, so that a prefix is a range of one index
     * ({@code instances_session_key}); PostgreSQL's default collation would not.
     */
    String sessionKey() {
        return this == POSTGRES ? "(session_id COLLATE \"C\")" : "session_id";
    }

    /** Appended to the candidate select of a claim. */
    abstract String claimLock();

    /** Appended to a select whose row is then updated in the same transaction. */
    abstract String rowLock();

    /** The SQLState of {@code e}; SQLite's result codes are mapped onto the standard classes. */
    abstract String sqlState(SQLException e);

    /** True when the connection that raised {@code e} must not be used again. */
    abstract boolean connectionLost(SQLException e);

    /** How many times a claim that found nothing is tried before it reports empty. */
    abstract int claimAttempts();

    /** The prefix that makes the database describe its plan for a statement. */
    abstract String explain();

    /** Threads of a store's claim combiner, each running its batches on a connection of its own. */
    abstract int combinerThreads();

    /** Claims and releases one transaction of the claim combiner holds at most. */
    abstract int combinerBatch();

    boolean isUniqueViolation(SQLException e) {
        return "23505".equals(sqlState(e));
    }
}
