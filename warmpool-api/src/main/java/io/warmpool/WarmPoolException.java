package io.warmpool;

/** Root of every exception warmpool throws. Each subclass names something a caller can act on. */
public class WarmPoolException extends RuntimeException {
    private final String code;

    public WarmPoolException(String code, String message) {
        super(message);
        this.code = code;
    }

    public WarmPoolException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** A stable, machine-readable error code such as {@code pool_exhausted}. */
    public String code() {
        return code;
    }
}
