package io.warmpool;

/**
 * A quick action reached the browser but could not be completed (navigation failed, selector never
 * appeared, timeout). {@code status} is the HTTP status the gateway answers with.
 */
public class ActionFailedException extends WarmPoolException {
    private final int status;

    public ActionFailedException(String code, int status, String message) {
        super(code, message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
