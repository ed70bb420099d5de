package io.warmpool.agent.internal;

import io.warmpool.WarmPoolException;

/**
 * Something the agent's HTTP API answers with a stable code and an HTTP status
 * ({@code instance_exists} 409, {@code start_failed} 502, {@code instance_dead} 410, ...). Immutable.
 */
public class AgentException extends WarmPoolException {
    private final int status;

    public AgentException(String code, int status, String message) {
        super(code, message);
        this.status = status;
    }

    public AgentException(String code, int status, String message, Throwable cause) {
        super(code, message, cause);
        this.status = status;
    }

    /** The HTTP status the agent answers with. */
    public int status() {
        return status;
    }
}
