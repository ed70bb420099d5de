package io.warmpool.agent.internal;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.StringJoiner;

/**
 * The quick-action side of the egress guard. Before navigating, the top-level host is resolved and judged
 * by the same {@link AddressPolicy} as the proxy (a fast, clear refusal). After navigating, the main frame's
 * URL is compared with what the page's own {@link EgressProxy} refused, so a redirect to an inside address
 * is a refusal too, and every frame must be on a web scheme ({@code file:}, {@code chrome:}, {@code devtools:}
 * and the like are never captured). Stateless.
 */
final class NavigationGuard {
    /** Longest {@code X-Warmpool-Blocked-Urls} value, in characters. */
    static final int MAX_URLS_HEADER = 1024;
    private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(2);
    private static final Set<String> FRAME_SCHEMES = Set.of("http", "https", "about", "data", "blob", "chrome-error");

    private NavigationGuard() {
    }

    /**
     * @throws AgentException {@code blocked_url} (400) when every address of the URL's host is refused. A host that
     *                        does not resolve within 2 s passes: the proxy judges it again anyway
     */
    static void preCheck(AddressPolicy policy, String url) {
        String host = URI.create(url).getHost();
        EgressTarget target;
        try {
            target = EgressTarget.resolve(policy, host, LOOKUP_TIMEOUT);
        } catch (UnknownHostException e) {
            return;
        }
        if (target.refused()) {
            throw blocked(url, new EgressLog.Denial(url, target.host(), target.deniedAddress(), target.reason()));
        }
    }

    /**
     * Explains a failed top-level navigation: {@code blocked_url} (400) if the proxy refused something during
     * it (the navigation or one of its redirects), else the failure with the proxy's reason appended.
     */
    static AgentException failedNavigation(IsolatedPage page, String url, AgentException failure) {
        List<EgressLog.Denial> denials = page.denials().denials();
        if (!denials.isEmpty()) {
            return blocked(url, denials.getFirst());
        }
        List<EgressLog.Failure> failures = page.denials().failures();
        if (!failures.isEmpty()) {
            return new AgentException(failure.code(), failure.status(), failure.getMessage() + " ("
                    + failures.getFirst().url() + ": " + failures.getFirst().error() + ")");
        }
        return failure;
    }

    /**
     * Checks the loaded page: the main frame must not be a refused request's answer nor a failed one's, and no
     * frame may be on a local scheme.
     *
     * @throws AgentException {@code blocked_url} (400) or {@code navigation_failed} (422)
     */
    static void checkLoaded(IsolatedPage page, String url) {
        JsonNode tree = page.call("Page.getFrameTree", null, BrowserInstance.CALL_TIMEOUT).path("frameTree");
        String mainUrl = tree.path("frame").path("url").asText("");
        for (EgressLog.Denial denial : page.denials().denials()) {
            if (sameResource(denial.url(), mainUrl)) {
                throw blocked(url == null ? mainUrl : url, denial);
            }
        }
        for (EgressLog.Failure failure : page.denials().failures()) {
            if (sameResource(failure.url(), mainUrl)) {
                throw new AgentException("navigation_failed", 422, "navigation to " + (url == null ? mainUrl : url)
                        + " failed: " + failure.error() + " (at " + failure.url() + ")");
            }
        }
        checkSchemes(tree);
    }

    /** The header value: the first refused URLs, comma-separated (commas inside escaped), at most 1 KB. */
    static String blockedUrlsHeader(EgressLog log) {
        StringJoiner joiner = new StringJoiner(",");
        int length = 0;
        for (EgressLog.Denial denial : log.denials()) {
            String url = denial.url().replace(",", "%2C").replaceAll("[^\\x21-\\x7e]", "");
            if (length + url.length() + 1 > MAX_URLS_HEADER) {
                break;
            }
            joiner.add(url);
            length += url.length() + 1;
        }
        return joiner.toString();
    }

    private static void checkSchemes(JsonNode frameTree) {
        String frameUrl = frameTree.path("frame").path("url").asText("");
        int colon = frameUrl.indexOf(':');
        String scheme = colon < 0 ? "" : frameUrl.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!frameUrl.isEmpty() && !FRAME_SCHEMES.contains(scheme)) {
            throw new AgentException("blocked_url", 400, "the page loaded " + abbreviate(frameUrl)
                    + "; quick actions only capture http(s) pages");
        }
        for (JsonNode child : frameTree.path("childFrames")) {
            checkSchemes(child);
        }
    }

    /** Whether a proxied absolute URL and a frame URL name the same resource (scheme, host, port, path, query). */
    private static boolean sameResource(String proxied, String frameUrl) {
        if (!proxied.contains("://") || frameUrl.isEmpty()) {
            return false; // a tunnel's host:port: its navigation failed outright and is explained above
        }
        try {
            URI a = URI.create(proxied);
            URI b = URI.create(frameUrl);
            return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost() != null
                    && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b)
                    && rawPath(a).equals(rawPath(b)) && String.valueOf(a.getRawQuery()).equals(String.valueOf(b.getRawQuery()));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static String rawPath(URI uri) {
        return uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    }

    private static AgentException blocked(String url, EgressLog.Denial denial) {
        return new AgentException("blocked_url", 400, abbreviate(url) + " is blocked: host " + denial.host()
                + " is " + denial.address() + " (" + denial.reason() + ")" + (denial.url().equals(url) ? ""
                : ", reached at " + abbreviate(denial.url())) + "; pages may not reach internal addresses unless the agent"
                + " allows them (--allow)");
    }

    private static String abbreviate(String url) {
        return url.length() <= 200 ? url : url.substring(0, 200) + "...";
    }
}
