package io.warmpool;

/** The caller sent something we cannot serve; {@code field} names the offending input (may be null). */
public class InvalidRequestException extends WarmPoolException {
    private final String field;

    public InvalidRequestException(String code, String field, String message) {
        super(code, message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
