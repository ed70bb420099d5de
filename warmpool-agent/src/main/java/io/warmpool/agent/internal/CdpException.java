package io.warmpool.agent.internal;

import io.warmpool.WarmPoolException;

/**
 * A DevTools protocol call failed: the browser answered with an error, did not answer in time, or the
 * connection is gone. Immutable.
 */
public final class CdpException extends WarmPoolException {
    /** Why the call failed. */
    public enum Kind { ERROR, TIMEOUT, CLOSED }

    private final Kind kind;

    public CdpException(Kind kind, String message) {
        super(switch (kind) {
            case ERROR -> "cdp_error";
            case TIMEOUT -> "cdp_timeout";
            case CLOSED -> "cdp_closed";
        }, message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
