package io.warmpool.server.crawl;

import io.warmpool.InvalidRequestException;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A crawl job's own fields (Cloudflare's {@code crawl} body less the shared page fields, which each page's quick
 * actions take). Bounded: at most {@value #MAX_LIMIT} pages and depth {@value #MAX_DEPTH}. Immutable.
 *
 * @param url     where the crawl starts (http or https)
 * @param limit   pages to crawl, 1..{@value #MAX_LIMIT}, default 10
 * @param depth   link hops from {@code url}, 0..{@value #MAX_DEPTH}, default 2
 * @param formats {@code html} and/or {@code markdown}, default markdown
 */
public record CrawlRequest(String url, int limit, int depth, List<String> formats, List<String> includePatterns,
                           List<String> excludePatterns, boolean includeExternalLinks, boolean includeSubdomains) {
    public static final int MAX_LIMIT = 500;
    public static final int MAX_DEPTH = 10;
    private static final Set<String> FORMATS = Set.of("html", "markdown");

    public CrawlRequest {
        if (url == null) {
            throw invalid("url", "crawl needs a url to start from");
        }
        URI u;
        try {
            u = new URI(url);
        } catch (java.net.URISyntaxException e) {
            throw invalid("url", "url is not a valid URI: " + e.getMessage());
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || u.getHost() == null) {
            throw invalid("url", "url must be an http(s) URL with a host (got '" + url + "')");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw invalid("limit", "limit must be between 1 and " + MAX_LIMIT + " (got " + limit + ")");
        }
        if (depth < 0 || depth > MAX_DEPTH) {
            throw invalid("depth", "depth must be between 0 and " + MAX_DEPTH + " (got " + depth + ")");
        }
        formats = List.copyOf(formats);
        if (formats.isEmpty()) {
            throw invalid("formats", "formats must name html and/or markdown");
        }
        for (String f : formats) {
            if (!FORMATS.contains(f)) {
                throw invalid("formats", "formats may name html and markdown (got '" + f + "'; json is not supported"
                        + " in crawls)");
            }
        }
        includePatterns = List.copyOf(includePatterns);
        excludePatterns = List.copyOf(excludePatterns);
        for (String p : includePatterns) {
            glob("options.includePatterns", p);
        }
        for (String p : excludePatterns) {
            glob("options.excludePatterns", p);
        }
    }

    /** Whether a link found on a page is followed: same host (or subdomain, or any when asked) and the patterns. */
    public boolean follows(String link) {
        URI start = URI.create(url);
        URI u;
        try {
            u = new URI(link);
        } catch (java.net.URISyntaxException e) {
            return false;
        }
        if (u.getHost() == null || !(("http".equals(u.getScheme())) || "https".equals(u.getScheme()))) {
            return false;
        }
        String host = u.getHost().toLowerCase(Locale.ROOT);
        String base = start.getHost().toLowerCase(Locale.ROOT);
        boolean sameSite = host.equals(base) || includeSubdomains && host.endsWith("." + base);
        if (!sameSite && !includeExternalLinks) {
            return false;
        }
        if (excludePatterns.stream().anyMatch(p -> glob("", p).matcher(link).matches())) {
            return false;
        }
        return includePatterns.isEmpty() || includePatterns.stream().anyMatch(p -> glob("", p).matcher(link).matches());
    }

    /** Cloudflare's wildcard patterns: {@code *} is any run of characters but '/', {@code **} any run at all. */
    static Pattern glob(String field, String pattern) {
        if (pattern == null || pattern.isEmpty() || pattern.length() > 1000) {
            throw invalid(field, field + " entries must be 1 to 1000 characters");
        }
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '*') {
                boolean twice = i + 1 < pattern.length() && pattern.charAt(i + 1) == '*';
                re.append(twice ? ".*" : "[^/]*");
                i += twice ? 1 : 0;
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }

    private static InvalidRequestException invalid(String field, String message) {
        return new InvalidRequestException("invalid_field", field, message);
    }
}
