package io.warmpool;

/** The store shard failed; keeps the SQLState when the store is JDBC. */
public class StoreException extends WarmPoolException {
    private final String sqlState;

    public StoreException(String message, String sqlState, Throwable cause) {
        super("store_unavailable", message, cause);
        this.sqlState = sqlState;
    }

    public String sqlState() {
        return sqlState;
    }
}
