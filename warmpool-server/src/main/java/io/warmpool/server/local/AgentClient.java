package io.warmpool.server.local;

import io.warmpool.ProviderException;
import io.warmpool.protocol.AgentProtocol;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * Talks the agent protocol ({@link AgentProtocol}) to agents. Quick actions, the hot path, go over pooled keep-alive
 * connections ({@link AgentConnections}); everything else over one shared JDK client. Every call has a timeout;
 * transport failures become {@link ProviderException}. Thread-safe.
 */
public final class AgentClient implements AutoCloseable {
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    private static final String VERSION = Integer.toString(AgentProtocol.VERSION);

    private final AgentConnections connections = new AgentConnections();
    private volatile String secret;

    /** From now on, every call carries {@code Authorization: Bearer <secret>} (the agents' shared secret). */
    public void authenticateWith(String agentSecret) {
        this.secret = agentSecret;
    }

    public HttpResponse<byte[]> post(String url, byte[] json, Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json));
        return send(authorized(request));
    }

    /**
     * {@code POST}s a quick action to an agent ({@code url} is the agent's base URL and the action's path) over a
     * pooled keep-alive connection; an {@code https} agent goes through the JDK client instead.
     */
    public AgentReply quick(String url, byte[] json, Duration timeout) {
        URI uri = URI.create(url);
        if (!"http".equalsIgnoreCase(uri.getScheme())) {
            HttpResponse<byte[]> r = post(url, json, timeout);
            Map<String, String> headers = new HashMap<>();
            r.headers().map().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.getFirst()));
            return new AgentReply(r.statusCode(), headers, r.body());
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.putAll(headers());
        try {
            return connections.post(uri, headers, json, timeout);
        } catch (IOException e) {
            throw new ProviderException("POST " + url + " failed: " + e, e);
        }
    }

    public HttpResponse<byte[]> get(String url, Duration timeout) {
        return send(authorized(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET()));
    }

    /** {@code PUT} without a body (the browser's {@code /json/new}). */
    public HttpResponse<byte[]> put(String url, Duration timeout) {
        return send(authorized(HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .PUT(HttpRequest.BodyPublishers.noBody())));
    }

    public HttpResponse<byte[]> delete(String url, Duration timeout) {
        return send(authorized(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).DELETE()));
    }

    /** What every call to an agent carries, WebSocket upgrades included: the protocol version and, once set, the secret. */
    public Map<String, String> headers() {
        String s = secret;
        return s == null ? Map.of(AgentProtocol.VERSION_HEADER, VERSION)
                : Map.of(AgentProtocol.VERSION_HEADER, VERSION,
                AgentProtocol.AUTH_HEADER, AgentProtocol.bearer(s));
    }

    private HttpRequest authorized(HttpRequest.Builder request) {
        headers().forEach(request::header);
        return request.build();
    }

    private HttpResponse<byte[]> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new ProviderException(request.method() + " " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException(request.method() + " " + request.uri() + " interrupted", e);
        }
    }

    @Override
    public void close() {
        connections.close();
        http.close();
    }
}
