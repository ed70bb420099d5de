package io.warmpool.server.local;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 request and its response on a connection: the request with a {@code Content-Length} body, the answer
 * read by {@code Content-Length}, chunked, or (HTTP/1.0 style) to the end of the stream. Bounded: a status line and
 * header block of at most {@link #MAX_HEAD_BYTES} (lines of at most {@link #MAX_LINE_BYTES}), a body of at most
 * {@link #MAX_BODY_BYTES}, every read within the call's deadline. Stateless.
 */
final class Http1Exchange {
    static final int MAX_HEAD_BYTES = 64 * 1024;
    /** One line of the head (an agent's longest header, {@code X-Warmpool-Blocked-Urls}, is at most 1 KB). */
    static final int MAX_LINE_BYTES = 8 * 1024;
    /** A full-page screenshot or a long PDF may be large; past this the agent's answer is refused. */
    static final int MAX_BODY_BYTES = 256 * 1024 * 1024;

    /** The connection closed or broke before the first byte of the answer (the agent may have begun the action). */
    static final class NoAnswerException extends IOException {
        NoAnswerException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** An answer and whether its connection may carry another request. */
    record Result(AgentReply reply, boolean reusable) {
    }

    private Http1Exchange() {
    }

    static byte[] head(String method, String target, String host, Map<String, String> headers, int contentLength) {
        StringBuilder b = new StringBuilder(256).append(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: ")
                .append(host).append("\r\n");
        headers.forEach((k, v) -> b.append(k).append(": ").append(v).append("\r\n"));
        b.append("Content-Length: ").append(contentLength).append("\r\n\r\n");
        return b.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * Sends {@code head} and {@code body} and reads the answer.
     *
     * @throws NoAnswerException when writing failed or the stream ended or broke before any byte of the answer
     * @throws SocketTimeoutException when {@code deadline} (a {@link System#nanoTime()} value) passed
     */
    static Result exchange(AgentConnection c, byte[] head, byte[] body, long deadline) throws IOException {
        try {
            OutputStream out = c.out();
            out.write(head);
            out.write(body);
            out.flush();
            c.timeoutAt(deadline);
            int first = c.in().read();
            if (first < 0) {
                throw new NoAnswerException("connection closed before any answer", null);
            }
            return read(c, first, deadline);
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (NoAnswerException e) {
            throw e;
        } catch (IOException e) {
            if (c.answerStarted()) {
                throw e;
            }
            throw new NoAnswerException("connection broke before any answer: " + e, e);
        }
    }

    private static Result read(AgentConnection c, int first, long deadline) throws IOException {
        c.answerStarted(true);
        InputStream in = c.in();
        byte[] line = c.lineBuffer();
        int[] used = {0};
        String status = line(in, line, used, first, deadline, c);
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].matches("\\d{3}")) {
            throw new IOException("not an HTTP/1.x status line: " + status);
        }
        Map<String, String> headers = new HashMap<>();
        for (String h = line(in, line, used, -1, deadline, c); !h.isEmpty(); h = line(in, line, used, -1, deadline, c)) {
            int colon = h.indexOf(':');
            if (colon > 0) {
                headers.putIfAbsent(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
            }
        }
        int code = Integer.parseInt(parts[1]);
        boolean keepAlive = parts[0].equals("HTTP/1.1") && !"close".equalsIgnoreCase(headers.get("connection"));
        String length = headers.get("content-length");
        byte[] body;
        if (code == 204 || code == 304 || (code >= 100 && code < 200)) {
            body = new byte[0];
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = chunked(in, line, deadline, c);
        } else if (length != null) {
            body = exactly(in, parseLength(length), deadline, c);
        } else {
            body = toEnd(in, deadline, c);
            keepAlive = false;
        }
        return new Result(new AgentReply(code, headers, body), keepAlive);
    }

    private static long parseLength(String value) throws IOException {
        try {
            long n = Long.parseLong(value.trim());
            if (n < 0 || n > MAX_BODY_BYTES) {
                throw new IOException("answer body of " + n + " bytes is past the bound of " + MAX_BODY_BYTES);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IOException("bad Content-Length: " + value);
        }
    }

    private static byte[] exactly(InputStream in, long n, long deadline, AgentConnection c) throws IOException {
        byte[] body = new byte[(int) n];
        int off = 0;
        while (off < n) {
            c.timeoutAt(deadline);
            int r = in.read(body, off, (int) n - off);
            if (r < 0) {
                throw new EOFException("answer ended after " + off + " of " + n + " bytes");
            }
            off += r;
        }
        return body;
    }

    private static byte[] chunked(InputStream in, byte[] line, long deadline, AgentConnection c) throws IOException {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        while (true) {
            int[] used = {0}; // each chunk's lines are bounded on their own
            String size = line(in, line, used, -1, deadline, c);
            int semi = size.indexOf(';');
            long n;
            try {
                n = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size: " + size);
            }
            if (n == 0) {
                while (!line(in, line, used, -1, deadline, c).isEmpty()) {
                    // trailers are read and dropped
                }
                return body.toByteArray();
            }
            if (n < 0 || body.size() + n > MAX_BODY_BYTES) {
                throw new IOException("chunked answer past the bound of " + MAX_BODY_BYTES + " bytes");
            }
            body.write(exactly(in, n, deadline, c));
            if (!line(in, line, used, -1, deadline, c).isEmpty()) {
                throw new IOException("chunk not followed by CRLF");
            }
        }
    }

    private static byte[] toEnd(InputStream in, long deadline, AgentConnection c) throws IOException {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[16 * 1024];
        while (true) {
            c.timeoutAt(deadline);
            int r = in.read(buf);
            if (r < 0) {
                return body.toByteArray();
            }
            if (body.size() + r > MAX_BODY_BYTES) {
                throw new IOException("answer past the bound of " + MAX_BODY_BYTES + " bytes");
            }
            body.write(buf, 0, r);
        }
    }

    /**
     * One CRLF-terminated line (without it), ISO-8859-1; {@code first} is a byte already read, or -1. {@code used}
     * counts the head's bytes against {@link #MAX_HEAD_BYTES} across calls.
     */
    private static String line(InputStream in, byte[] buf, int[] used, int first, long deadline, AgentConnection c)
            throws IOException {
        int n = 0;
        int b = first;
        while (true) {
            if (b < 0) {
                c.timeoutAt(deadline);
                b = in.read();
                if (b < 0) {
                    throw new EOFException("answer ended inside its head");
                }
            }
            if (b == '\n') {
                int end = n > 0 && buf[n - 1] == '\r' ? n - 1 : n;
                used[0] += n + 1;
                return new String(buf, 0, end, StandardCharsets.ISO_8859_1);
            }
            if (n >= buf.length || used[0] + n >= MAX_HEAD_BYTES) {
                throw new IOException("answer head longer than " + MAX_HEAD_BYTES + " bytes, or a line of it longer than "
                        + buf.length);
            }
            buf[n++] = (byte) b;
            b = -1;
        }
    }
}
