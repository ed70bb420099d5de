package io.warmpool;

/** Starting, stopping or talking to an instance failed. */
public class ProviderException extends WarmPoolException {
    public ProviderException(String message) {
        super("provider_failed", message);
    }

    public ProviderException(String message, Throwable cause) {
        super("provider_failed", message, cause);
    }
}
