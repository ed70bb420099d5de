package io.warmpool.agent.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * What a quick action produced: bytes with their content type (screenshot, pdf), or the JSON {@code result}
 * (page HTML for content, Markdown, links, scrape, snapshot), and what the egress guard refused while producing it.
 * Immutable; the byte array is not copied and must not be changed.
 *
 * @param blocked     requests of the page the egress guard refused
 * @param blockedUrls the first of them, comma-separated, at most 1 KB (empty for none)
 */
public record QuickResult(byte[] body, String contentType, JsonNode result, int blocked, String blockedUrls) {

    static QuickResult binary(byte[] body, String contentType) {
        return new QuickResult(body, contentType, null, 0, "");
    }

    static QuickResult content(String html) {
        return json(TextNode.valueOf(html));
    }

    static QuickResult json(JsonNode result) {
        return new QuickResult(null, null, result, 0, "");
    }

    QuickResult withBlocked(EgressLog log) {
        return new QuickResult(body, contentType, result, log.count(), NavigationGuard.blockedUrlsHeader(log));
    }

    /** The page HTML of a content action. */
    public String html() {
        return result == null ? null : result.asText();
    }

    public boolean isBinary() {
        return body != null;
    }
}
