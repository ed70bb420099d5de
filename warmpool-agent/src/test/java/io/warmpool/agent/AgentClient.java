package io.warmpool.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A tiny HTTP client for an agent's API, as the gateway would use it. */
final class AgentClient implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    AgentClient(URI base) {
        this.base = base;
    }

    HttpResponse<byte[]> post(String path, String body) {
        return send(HttpRequest.newBuilder(base.resolve(path)).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    HttpResponse<byte[]> get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    HttpResponse<byte[]> delete(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).DELETE());
    }

    /** Starts an instance and returns the agent's answer ({@code instanceId, cdpUrl, pid, startMs}). */
    JsonNode start(String instanceId) {
        HttpResponse<byte[]> response = post("/instances",
                "{\"instanceId\":\"" + instanceId + "\",\"pool\":\"browser\",\"version\":\"1\"}");
        if (response.statusCode() != 200) {
            throw new IllegalStateException("start failed: " + response.statusCode() + " " + new String(response.body()));
        }
        return json(response);
    }

    static JsonNode json(HttpResponse<byte[]> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code errors[0].code} of an error envelope. */
    static String errorCode(HttpResponse<byte[]> response) {
        JsonNode body = json(response);
        return body.path("success").asBoolean(true) ? null : body.path("errors").path(0).path("code").asText();
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(90)).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        http.shutdownNow();
    }
}
