package io.warmpool.agent.internal;

/**
 * What a quick action produced: bytes with their content type (screenshot, pdf), or page HTML (content).
 * Immutable; the byte array is not copied and must not be changed.
 */
public record QuickResult(byte[] body, String contentType, String html) {

    static QuickResult binary(byte[] body, String contentType) {
        return new QuickResult(body, contentType, null);
    }

    static QuickResult content(String html) {
        return new QuickResult(null, null, html);
    }

    public boolean isBinary() {
        return body != null;
    }
}
