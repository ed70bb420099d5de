package io.warmpool.server.http;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The headers a proxy never forwards (RFC 9110 §7.6.1): the hop-by-hop ones, those the {@code Connection} header
 * names, and those the forwarding side sets itself ({@code Host}, {@code Content-Length}, {@code Expect}). Stateless.
 */
final class HopByHop {
    private static final Set<String> ALWAYS = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "trailers", "transfer-encoding", "upgrade",
            "host", "content-length", "expect", "http2-settings");

    private final Set<String> named = new TreeSet<>();

    /** @param connection the message's {@code Connection} header values (may be null) */
    HopByHop(Iterable<String> connection) {
        if (connection != null) {
            for (String value : connection) {
                for (String token : value.split(",")) {
                    named.add(token.trim().toLowerCase(Locale.ROOT));
                }
            }
        }
    }

    /** Whether header {@code name} stays on this hop. */
    boolean drops(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return ALWAYS.contains(lower) || named.contains(lower);
    }
}
