package io.warmpool;

/** The caller did not present a valid API key (or session token). */
public class UnauthorizedException extends WarmPoolException {
    public UnauthorizedException(String message) {
        super("unauthorized", message);
    }
}
