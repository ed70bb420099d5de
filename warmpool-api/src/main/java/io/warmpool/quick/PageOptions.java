package io.warmpool.quick;

/** The small value types of a quick action's page setup, shaped like Cloudflare Browser Run's body fields. */
public final class PageOptions {
    private PageOptions() {
    }

    /** A cookie set before navigation, as CDP's {@code Network.CookieParam}; {@code expires} in seconds since the epoch. */
    public record Cookie(String name, String value, String url, String domain, String path, Boolean secure,
                         Boolean httpOnly, String sameSite, Double expires, String priority, Boolean sameParty,
                         String sourceScheme, Integer sourcePort, String partitionKey) {
    }

    /** HTTP authentication answered for the page's own server challenges. */
    public record Credentials(String username, String password) {
    }

    /** A script added after load: inline {@code content} or a {@code url}, exactly one. */
    public record ScriptTag(String id, String content, String type, String url) {
    }

    /** A style sheet added after load: inline {@code content} or a {@code url}, exactly one. */
    public record StyleTag(String content, String url) {
    }

    /** A screenshot's region in CSS pixels. */
    public record Clip(Double x, Double y, Double width, Double height, Double scale) {
    }

    /** PDF margins: numbers are CSS pixels, strings may end in px, in, cm or mm; validated into inches ("0.5in"). */
    public record Margin(Object top, Object right, Object bottom, Object left) {
    }

    /** One CSS selector for {@code scrape}. */
    public record ScrapeElement(String selector) {
    }

    /** A model named by the caller for {@code json}; {@code authorization} replaces the configured key. */
    public record CustomAi(String model, String authorization) {
    }
}
