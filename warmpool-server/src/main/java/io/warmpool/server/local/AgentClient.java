package io.warmpool.server.local;

import io.warmpool.ProviderException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;

/**
 * Talks HTTP to agents on loopback. One shared JDK client; every call has a timeout; transport failures become
 * {@link ProviderException}. Thread-safe.
 */
public final class AgentClient implements AutoCloseable {
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .version(HttpClient.Version.HTTP_1_1)
            .build();

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

    public HttpResponse<byte[]> get(String url, Duration timeout) {
        return send(authorized(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET()));
    }

    public HttpResponse<byte[]> delete(String url, Duration timeout) {
        return send(authorized(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).DELETE()));
    }

    private HttpRequest authorized(HttpRequest.Builder request) {
        String s = secret;
        if (s != null) {
            request.header("Authorization", "Bearer " + s);
        }
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
        http.close();
    }
}
