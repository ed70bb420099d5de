package io.warmpool.server.http;

import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Forwards one HTTP request to a session's process and streams the answer back: any method, the headers less the
 * hop-by-hop ones (and the gateway's own credentials), the body streamed both ways through one
 * {@value #CHUNK}-byte buffer, so a body of any size passes in bounded memory. Connecting is bounded by
 * {@link #CONNECT_TIMEOUT}, the answer's headers by {@code answerTimeout}; an unreachable process is 502
 * ({@code upstream_unreachable}), a slow one 504 ({@code upstream_timeout}). Thread-safe.
 */
final class HttpForwarder implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpForwarder.class);
    static final int CHUNK = 64 * 1024;
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final java.util.concurrent.ExecutorService threads =
            java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).executor(threads).build();
    private final Duration answerTimeout;

    HttpForwarder(Duration answerTimeout) {
        this.answerTimeout = answerTimeout;
    }

    /**
     * Forwards {@code ctx}'s request to {@code upstream} (the process's URL with path and query) and writes the answer.
     *
     * @param prefix the gateway path the process is mounted at ({@code X-Forwarded-Prefix})
     * @param drop   request headers not to forward besides the hop-by-hop ones (lower case)
     */
    void forward(Context ctx, URI upstream, String prefix, java.util.Set<String> drop) throws InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(upstream).timeout(answerTimeout)
                .method(ctx.method().name(), body(ctx));
        HopByHop hop = new HopByHop(Collections.list(ctx.req().getHeaders("Connection")));
        for (String name : Collections.list(ctx.req().getHeaderNames())) {
            if (hop.drops(name) || drop.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                continue;
            }
            for (String value : Collections.list(ctx.req().getHeaders(name))) {
                request.header(name, value);
            }
        }
        request.header("X-Forwarded-For", ctx.ip());
        request.header("X-Forwarded-Proto", ctx.scheme());
        request.header("X-Forwarded-Prefix", prefix);
        if (ctx.header("Host") != null) {
            request.header("X-Forwarded-Host", ctx.header("Host"));
        }
        HttpResponse<InputStream> answer;
        try {
            answer = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpConnectTimeoutException | ConnectException e) {
            ErrorResponses.write(ctx, 502, "upstream_unreachable", "the session's process does not accept "
                    + "connections on " + upstream.getHost() + ":" + upstream.getPort(), null);
            return;
        } catch (HttpTimeoutException e) {
            ErrorResponses.write(ctx, 504, "upstream_timeout", "the session's process did not answer within "
                    + answerTimeout.toMillis() + " ms", null);
            return;
        } catch (IOException e) {
            ErrorResponses.write(ctx, 502, "upstream_failed", "the session's process failed the request: " + e, null);
            return;
        }
        ctx.status(answer.statusCode());
        HopByHop back = new HopByHop(answer.headers().allValues("Connection"));
        for (Map.Entry<String, List<String>> h : answer.headers().map().entrySet()) {
            if (h.getKey().startsWith(":") || (back.drops(h.getKey())
                    && !h.getKey().equalsIgnoreCase("content-length"))) {
                continue; // a known length is kept: the client then knows the body ended complete
            }
            for (String value : h.getValue()) {
                ctx.res().addHeader(h.getKey(), value);
            }
        }
        try (InputStream in = answer.body()) {
            OutputStream out = ctx.res().getOutputStream();
            byte[] buffer = new byte[CHUNK];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                if (in.available() == 0) {
                    out.flush(); // streaming: what the process sent so far goes on now
                }
            }
            out.flush();
        } catch (IOException e) {
            // the client or the process went away mid-body: abort, so that the client sees a cut, not an end
            log.debug("proxy {} - body stream ended early: {}", upstream, e.toString());
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The request body as a stream (its length kept when known), or none. */
    private static HttpRequest.BodyPublisher body(Context ctx) {
        long length = ctx.req().getContentLengthLong();
        boolean chunked = ctx.header("Transfer-Encoding") != null;
        if (length <= 0 && !chunked) {
            return HttpRequest.BodyPublishers.noBody();
        }
        HttpRequest.BodyPublisher stream = HttpRequest.BodyPublishers.ofInputStream(() -> {
            try {
                return ctx.req().getInputStream();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        return length > 0 ? HttpRequest.BodyPublishers.fromPublisher(stream, length) : stream;
    }

    @Override
    public void close() {
        http.close();
        threads.close();
    }
}
