package io.warmpool.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.warmpool.core.PoolSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

import static io.warmpool.server.TestGateway.await;
import static io.warmpool.server.TestGateway.json;
import static org.assertj.core.api.Assertions.assertThat;

/** kill -9 of browsers and agents, and an exhausted pool, against real processes. */
class GatewayFaultTest {
    @TempDir
    Path dir;

    private static PoolSettings.Builder browser() {
        return PoolSettings.builder("browser").minIdle(2).maxSize(3).staleAfter(Duration.ofSeconds(5))
                .acquireTimeout(Duration.ofSeconds(1));
    }

    @Test
    void aKilledChromiumIsLostAndReplacedAndNothingIsLeftAfterShutdown() {
        TestGateway gw = new TestGateway(dir, browser().build());
        try {
            assertThat(await(Duration.ofSeconds(60), () -> gw.pool("weur").get("warm").asInt() == 2)).isTrue();
            Set<String> before = instanceIds(gw, "weur");
            long victim = Processes.browsers(gw.dataDir.toString()).stream()
                    .filter(p -> p.line().contains("agent-weur-"))
                    .findFirst().orElseThrow().pid(); // a weur browser: the region this test watches

            ProcessHandle.of(victim).orElseThrow().destroyForcibly();

            assertThat(await(Duration.ofSeconds(90), () -> {
                Set<String> now = instanceIds(gw, "weur");
                return gw.pool("weur").get("warm").asInt() == 2 && !now.equals(before);
            })).as("the lost browser is replaced and the pool is back at minIdle").isTrue();
            assertThat(instanceIds(gw, "weur")).hasSize(2);
        } finally {
            gw.close();
        }
        assertThat(gw.browserProcesses()).isZero();
        assertThat(gw.agentProcesses()).isZero();
    }

    @Test
    void aKilledAgentLosesItsInstancesWhichAreReplacedByANewAgent() {
        TestGateway gw = new TestGateway(dir, browser().build());
        try {
            assertThat(await(Duration.ofSeconds(60), () -> gw.pool("enam").get("warm").asInt() == 2)).isTrue();
            Set<String> before = instanceIds(gw, "enam");
            long agent = ((io.warmpool.server.local.LocalAgentProvider) gw.gateway.regions().get("enam").provider())
                    .currentView().pid();

            ProcessHandle.of(agent).orElseThrow().destroyForcibly();

            assertThat(await(Duration.ofSeconds(90), () -> {
                Set<String> now = instanceIds(gw, "enam");
                return gw.pool("enam").get("warm").asInt() == 2 && now.stream().noneMatch(before::contains);
            })).as("a new agent serves two new warm instances").isTrue();
            assertThat(await(Duration.ofSeconds(10), () -> gw.agentProcesses() == 2)).as("one agent per region").isTrue();
        } finally {
            gw.close();
        }
        assertThat(await(Duration.ofSeconds(10), () -> gw.browserProcesses() == 0)).as("no orphan Chromium").isTrue();
        assertThat(gw.agentProcesses()).isZero();
    }

    @Test
    void anExhaustedPoolAnswers503WithRetryAfterAndItsCounts() {
        TestGateway gw = new TestGateway(dir, browser().minIdle(1).maxSize(1).build());
        try {
            assertThat(await(Duration.ofSeconds(60), () -> gw.pool("weur").get("warm").asInt() == 1)).isTrue();
            assertThat(await(Duration.ofSeconds(60), () -> gw.pool("enam").get("warm").asInt() == 1)).isTrue();
            assertThat(gw.send("POST", "/v1/sessions", "{\"sessionId\":\"holder\"}").statusCode()).isEqualTo(201);
            assertThat(json(gw.send("POST", "/v1/sessions", "{\"sessionId\":\"backup-holder\"}")).get("fallback")
                    .asBoolean()).as("weur's backup serves while it has a warm instance").isTrue();

            HttpResponse<byte[]> r = gw.send("POST", "/v1/sessions", "{\"sessionId\":\"waiter\"}");

            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).isPresent();
            JsonNode error = json(r).get("errors").get(0);
            assertThat(error.get("code").asText()).isEqualTo("pool_exhausted");
            assertThat(error.get("message").asText()).contains("browser/weur").contains("claimed=1").contains("maxSize=1");
            assertThat(gw.send("GET", "/v1/sessions/waiter", null).statusCode()).isEqualTo(404);
        } finally {
            gw.close();
        }
    }

    private static Set<String> instanceIds(TestGateway gw, String region) {
        return gw.gateway.regions().get(region).shard().snapshot("browser").stream()
                .filter(i -> i.state() == io.warmpool.InstanceState.WARM)
                .map(io.warmpool.Instance::id).collect(Collectors.toSet());
    }
}
