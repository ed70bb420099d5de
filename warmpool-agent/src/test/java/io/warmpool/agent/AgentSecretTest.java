package io.warmpool.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code WARMPOOL_AGENT_SECRET}: the API wants the bearer secret and heartbeats carry it. No browser starts. */
class AgentSecretTest {
    private static final String SECRET = "s3cret-for-tests";

    @TempDir
    Path dataDir;

    @Test
    void withASecretEveryEndpointButHealthzNeedsTheBearerSecretAndHeartbeatsSendIt() throws Exception {
        try (FakeGateway gateway = new FakeGateway();
             Agent agent = Agent.start(AgentConfig.fromArgs(Map.of("WARMPOOL_AGENT_SECRET", SECRET), "--agent-id", "locked",
                     "--region", "weur", "--zone", "z1", "--port", "0", "--chromium", "/usr/bin/chromium",
                     "--data-dir", dataDir.toString(), "--gateway", gateway.url().toString(),
                     "--heartbeat-interval", "PT0.2S"));
             HttpClient http = HttpClient.newHttpClient()) {
            URI base = agent.url();
            for (String[] call : new String[][]{{"GET", "/instances"}, {"POST", "/instances"}, {"DELETE", "/instances/x"},
                    {"POST", "/instances/x/reset"}, {"POST", "/instances/x/quick/content"}, {"GET", "/nothing-here"},
                    {"GET", "/metrics"}}) {
                HttpResponse<String> none = send(http, base, call[0], call[1], null);
                HttpResponse<String> wrong = send(http, base, call[0], call[1], "Bearer " + SECRET + "x");
                HttpResponse<String> basic = send(http, base, call[0], call[1], "Basic " + SECRET);

                for (HttpResponse<String> refused : java.util.List.of(none, wrong, basic)) {
                    assertThat(refused.statusCode()).as("%s %s", call[0], call[1]).isEqualTo(401);
                    assertThat(refused.body()).contains("\"success\":false").contains("\"code\":\"unauthorized\"");
                }
            }
            assertThat(send(http, base, "GET", "/instances", "Bearer " + SECRET).statusCode()).isEqualTo(200);
            HttpResponse<String> metrics = send(http, base, "GET", "/metrics", "Bearer " + SECRET);
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
            assertThat(send(http, base, "DELETE", "/instances/x", "Bearer " + SECRET).statusCode()).isEqualTo(204);
            assertThat(send(http, base, "GET", "/healthz", null).statusCode()).isEqualTo(200);
            assertThat(Processes.await(Duration.ofSeconds(10), () -> !gateway.authorizations().isEmpty())).isTrue();
            assertThat(gateway.authorizations()).allMatch(("Bearer " + SECRET)::equals);
            assertThat(agent.toString()).doesNotContain(SECRET);
        }
    }

    @Test
    void withoutASecretNothingIsAskedAndHeartbeatsCarryNoAuthorization() throws Exception {
        AgentConfig config = AgentConfig.fromArgs(Map.of("WARMPOOL_AGENT_SECRET", ""), "--agent-id", "open",
                "--region", "weur", "--zone", "z1", "--port", "0", "--chromium", "/usr/bin/chromium",
                "--data-dir", dataDir.toString(), "--heartbeat-interval", "PT0.2S");
        assertThat(config.secret()).as("an empty variable is unset").isNull();
        try (FakeGateway gateway = new FakeGateway();
             Agent agent = Agent.start(AgentConfig.fromArgs(Map.of(), "--agent-id", "open", "--region", "weur",
                     "--zone", "z1", "--port", "0", "--chromium", "/usr/bin/chromium", "--data-dir", dataDir.toString(),
                     "--gateway", gateway.url().toString(), "--heartbeat-interval", "PT0.2S"));
             HttpClient http = HttpClient.newHttpClient()) {
            assertThat(send(http, agent.url(), "GET", "/instances", null).statusCode()).isEqualTo(200);
            assertThat(Processes.await(Duration.ofSeconds(10), () -> !gateway.authorizations().isEmpty())).isTrue();
            assertThat(gateway.authorizations()).allMatch("null"::equals);
        }
    }

    private static HttpResponse<String> send(HttpClient http, URI base, String method, String path, String authorization)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.ofString(method.equals("POST") ? "{}" : ""));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
