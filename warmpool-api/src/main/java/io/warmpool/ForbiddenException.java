package io.warmpool;

/** The caller is known but may not do this (a read-only key asking to acquire, a tenant asking to drain). */
public class ForbiddenException extends WarmPoolException {
    public ForbiddenException(String message) {
        super("forbidden", message);
    }
}
