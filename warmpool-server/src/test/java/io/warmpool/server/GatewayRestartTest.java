package io.warmpool.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static io.warmpool.server.TestGateway.await;
import static org.assertj.core.api.Assertions.assertThat;

/** kill -9 of the gateway itself: nothing orphaned, nothing forgotten, nothing handed out twice after a restart. */
class GatewayRestartTest {
    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> send(String base, String method, String path, String body) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private JsonNode json(HttpResponse<String> r) {
        try {
            return TestGateway.JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException(r.body(), e);
        }
    }

    private int warm(String base, String region) {
        for (JsonNode p : json(send(base, "GET", "/v1/pools", null)).get("result")) {
            if (p.get("region").asText().equals(region)) {
                return p.get("warm").asInt();
            }
        }
        return -1;
    }

    private long processes() {
        return Processes.mentioning(dir.toString()).stream()
                .filter(p -> p.line().contains("chromium") || p.line().contains("AgentMain")).count();
    }

    @Test
    void afterAKilledGatewayRestartsEverySessionIsKnownAndNothingIsOrphanedOrHeldTwice() throws Exception {
        Path config = dir.resolve("config.json");
        Files.writeString(config, """
                {"pools": {"browser": {"minIdle": 2, "maxSize": 4, "staleAfter": "PT5S"}},
                 "heartbeat": {"interval": "PT0.5S", "flushAfter": "PT0.2S"}}""");
        Path data = dir.resolve("data");
        String held;
        try (GatewayProcess first = GatewayProcess.start(data, config)) {
            assertThat(await(Duration.ofSeconds(60), () -> warm(first.url, "weur") == 2)).isTrue();
            HttpResponse<String> s = send(first.url, "POST", "/v1/sessions", "{\"sessionId\":\"survivor\"}");
            assertThat(s.statusCode()).isEqualTo(201);
            held = json(s).get("instanceId").asText();
            assertThat(processes()).isGreaterThanOrEqualTo(5); // 2 agents, 4 browsers at least

            first.kill9();

            assertThat(await(Duration.ofSeconds(30), () -> processes() == 0))
                    .as("agents and browsers die with their gateway, even on kill -9").isTrue();
        }

        try (GatewayProcess second = GatewayProcess.start(data, config)) {
            HttpResponse<String> known = send(second.url, "GET", "/v1/sessions/survivor", null);
            assertThat(known.statusCode()).as("the session is still known").isEqualTo(200);
            assertThat(json(known).get("state").asText()).isEqualTo("lost");
            assertThat(json(known).get("instanceId").asText()).isEqualTo(held);

            HttpResponse<String> again = send(second.url, "POST", "/v1/sessions", "{\"sessionId\":\"survivor\"}");
            assertThat(again.statusCode()).isEqualTo(410);
            assertThat(json(again).get("errors").get(0).get("code").asText()).isEqualTo("instance_lost");

            assertThat(await(Duration.ofSeconds(60), () -> warm(second.url, "weur") == 2)).isTrue();
            HttpResponse<String> fresh = send(second.url, "POST", "/v1/sessions", "{\"sessionId\":\"newcomer\"}");
            assertThat(fresh.statusCode()).isEqualTo(201);
            assertThat(json(fresh).get("instanceId").asText()).as("never the dead instance").isNotEqualTo(held);

            assertThat(send(second.url, "DELETE", "/v1/sessions/survivor", null).statusCode()).isEqualTo(204);
            assertThat(send(second.url, "GET", "/v1/sessions/survivor", null).statusCode()).isEqualTo(404);
        }
        assertThat(await(Duration.ofSeconds(30), () -> processes() == 0)).as("no orphans after a clean stop").isTrue();
    }
}
