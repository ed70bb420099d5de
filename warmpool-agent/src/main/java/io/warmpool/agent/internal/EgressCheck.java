package io.warmpool.agent.internal;

import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * The egress guard's verdict on a URL without connecting anywhere: the host is resolved (a DNS question, no packet
 * to the host itself) and judged exactly as {@link EgressProxy} judges a page's request. Stateless.
 */
public final class EgressCheck {
    private static final Set<String> SCHEMES = Set.of("http", "https", "ws", "wss");
    private static final Duration RESOLVE_TIMEOUT = Duration.ofSeconds(5);

    /** A verdict: {@code blocked} with a reason, or {@code allowed} with the address a page would connect to. */
    public record Verdict(boolean allowed, String url, String detail) {
        /** {@code allowed URL address} or {@code blocked URL reason}. */
        public String line() {
            return (allowed ? "allowed " : "blocked ") + url + " " + detail;
        }
    }

    private EgressCheck() {
    }

    public static Verdict check(AddressPolicy policy, String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (java.net.URISyntaxException e) {
            return new Verdict(false, url, "not-a-url (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!SCHEMES.contains(scheme)) {
            return new Verdict(false, url, "unsupported-scheme (" + (scheme.isEmpty() ? "none" : scheme)
                    + "; pages reach http, https, ws, wss through the guard)");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            return new Verdict(false, url, "no-host");
        }
        EgressTarget target;
        try {
            target = EgressTarget.resolve(policy, host, RESOLVE_TIMEOUT);
        } catch (UnknownHostException e) {
            return new Verdict(false, url, "unresolvable (" + e.getMessage() + ")");
        }
        if (target.refused()) {
            return new Verdict(false, url, target.reason() + " (" + target.deniedAddress() + ")");
        }
        return new Verdict(true, url, target.allowed().get(0).getHostAddress());
    }
}
