package io.warmpool.agent.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The head of one request to the {@link EgressProxy}: {@code CONNECT host:port} (a tunnel) or an
 * absolute-form {@code GET http://host:port/path} (plain HTTP). Immutable once read.
 *
 * @param target the request target as sent: {@code host:port} or the absolute URL
 */
record ProxyRequest(String method, String target, String version, List<String> headers, String host, int port) {
    static final int MAX_HEAD_BYTES = 32 * 1024;

    /** Thrown for a head that is not a proxy request this proxy serves; answered with 400. */
    static final class BadRequest extends IOException {
        BadRequest(String message) {
            super(message);
        }
    }

    boolean isTunnel() {
        return method.equals("CONNECT");
    }

    /**
     * Reads the head one byte at a time from {@code in} (a buffered stream the caller keeps reading the body
     * from). Returns null at EOF before any byte.
     *
     * @throws BadRequest for a malformed or oversized head, or an origin-form target
     */
    static ProxyRequest read(InputStream in) throws IOException {
        byte[] head = new byte[MAX_HEAD_BYTES];
        int n = 0;
        while (n < 4 || head[n - 4] != '\r' || head[n - 3] != '\n' || head[n - 2] != '\r' || head[n - 1] != '\n') {
            int b = in.read();
            if (b < 0) {
                if (n == 0) {
                    return null;
                }
                throw new BadRequest("connection closed inside the request head");
            }
            if (n == head.length) {
                throw new BadRequest("request head over " + MAX_HEAD_BYTES + " bytes");
            }
            head[n++] = (byte) b;
        }
        List<String> lines = new ArrayList<>(List.of(new String(head, 0, n - 4, StandardCharsets.ISO_8859_1).split("\r\n")));
        String[] requestLine = lines.removeFirst().split(" ");
        if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
            throw new BadRequest("malformed request line");
        }
        String method = requestLine[0];
        String target = requestLine[1];
        if (method.equals("CONNECT")) {
            int colon = target.lastIndexOf(':');
            if (colon <= 0 || target.endsWith("]")) {
                throw new BadRequest("CONNECT needs host:port (got '" + target + "')");
            }
            return new ProxyRequest(method, target, requestLine[2], lines, target.substring(0, colon),
                    port(target.substring(colon + 1)));
        }
        if (!target.regionMatches(true, 0, "http://", 0, 7)) {
            throw new BadRequest("only absolute http:// targets and CONNECT are proxied (got '" + target + "')");
        }
        URI uri;
        try {
            uri = new URI(target);
        } catch (java.net.URISyntaxException e) {
            throw new BadRequest("bad URL: " + e.getMessage());
        }
        if (uri.getHost() == null) {
            throw new BadRequest("URL without a host: '" + target + "'");
        }
        return new ProxyRequest(method, target, requestLine[2], lines, uri.getHost(), uri.getPort() < 0 ? 80 : uri.getPort());
    }

    /**
     * The head to send upstream for plain HTTP: origin-form target, proxy headers dropped, and
     * {@code Connection: close} (one request per upstream connection) unless the request upgrades.
     */
    byte[] originHead() {
        URI uri = URI.create(target);
        String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        boolean upgrade = headers.stream().anyMatch(h -> name(h).equals("upgrade"));
        StringBuilder out = new StringBuilder(method).append(' ').append(path).append(' ').append(version).append("\r\n");
        for (String header : headers) {
            String name = name(header);
            if (name.startsWith("proxy-") || name.equals("keep-alive") || (!upgrade && name.equals("connection"))) {
                continue;
            }
            out.append(header).append("\r\n");
        }
        if (!upgrade) {
            out.append("Connection: close\r\n");
        }
        return out.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** What a denial reports: the URL for plain HTTP, {@code host:port} for a tunnel; at most 256 chars. */
    String reportedUrl() {
        return target.length() <= 256 ? target : target.substring(0, 256);
    }

    private static String name(String header) {
        int colon = header.indexOf(':');
        return (colon < 0 ? header : header.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
    }

    private static int port(String text) throws BadRequest {
        try {
            int port = Integer.parseInt(text);
            if (port > 0 && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BadRequest("bad port '" + text + "'");
    }
}
