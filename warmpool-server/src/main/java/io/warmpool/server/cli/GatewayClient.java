package io.warmpool.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The few calls the CLI makes to a gateway; a failure becomes a {@link CliFailure} with exit code 1. */
final class GatewayClient {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String url;
    private final String key;

    GatewayClient(String url, String key) {
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.key = key;
        if (!this.url.startsWith("http://") && !this.url.startsWith("https://")) {
            throw new CliFailure(WarmpoolCli.USAGE, "--url must start with http:// or https:// (got '" + url + "')");
        }
    }

    JsonNode get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET(), path);
    }

    JsonNode post(String path, String body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)), path);
    }

    private URI uri(String path) {
        try {
            return URI.create(url + path);
        } catch (IllegalArgumentException e) {
            throw new CliFailure(WarmpoolCli.USAGE, "--url is not a URL: " + url);
        }
    }

    private JsonNode send(HttpRequest.Builder request, String path) {
        request.timeout(TIMEOUT);
        if (key != null && !key.isBlank()) {
            request.header("Authorization", "Bearer " + key.trim());
        }
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = parse(r.body());
            if (r.statusCode() >= 300) {
                JsonNode err = body.path("errors").path(0);
                throw new CliFailure(WarmpoolCli.FAILED, "gateway answered " + r.statusCode() + " on " + path
                        + (err.isMissingNode() ? "" : ": " + err.path("code").asText() + ": " + err.path("message").asText()));
            }
            return body;
        } catch (ConnectException e) {
            throw new CliFailure(WarmpoolCli.FAILED, "cannot reach the gateway at " + url + " (is it up? --url)");
        } catch (IOException e) {
            throw new CliFailure(WarmpoolCli.FAILED, "talking to " + url + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure(WarmpoolCli.FAILED, "interrupted");
        }
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text.isEmpty() ? "{}" : text);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }
}
