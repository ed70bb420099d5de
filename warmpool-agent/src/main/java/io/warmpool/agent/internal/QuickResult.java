package io.warmpool.agent.internal;

/**
 * What a quick action produced: bytes with their content type (screenshot, pdf), or page HTML (content),
 * and what the egress guard refused while producing it. Immutable; the byte array is not copied and must
 * not be changed.
 *
 * @param blocked     requests of the page the egress guard refused
 * @param blockedUrls the first of them, comma-separated, at most 1 KB (empty for none)
 */
public record QuickResult(byte[] body, String contentType, String html, int blocked, String blockedUrls) {

    static QuickResult binary(byte[] body, String contentType) {
        return new QuickResult(body, contentType, null, 0, "");
    }

    static QuickResult content(String html) {
        return new QuickResult(null, null, html, 0, "");
    }

    QuickResult withBlocked(EgressLog log) {
        return new QuickResult(body, contentType, html, log.count(), NavigationGuard.blockedUrlsHeader(log));
    }

    public boolean isBinary() {
        return body != null;
    }
}
