package io.warmpool.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.warmpool.agent.internal.CdpConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** Starting, listing, resetting and stopping real browsers through the agent's HTTP API. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InstanceLifecycleTest {
    private static final Duration CDP_TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    static Path dataDir;
    private Agent agent;
    private AgentClient client;

    @BeforeAll
    void startAgent() {
        agent = Agent.start(config("life", "/usr/bin/chromium", "PT30S"));
        client = new AgentClient(agent.url());
    }

    @AfterAll
    void stopAgent() {
        agent.close();
        client.close();
        assertThat(Processes.await(Duration.ofSeconds(5), () -> Processes.mentioning(dataDir).isEmpty()))
                .as("no process left under %s", dataDir).isTrue();
        assertThat(Processes.await(Duration.ofSeconds(5), () -> Processes.agentThreads().isEmpty()))
                .as("no agent thread left: %s", Processes.agentThreads()).isTrue();
    }

    @Test
    void twoStartsRunInParallelAndBothAreListedAlive() throws Exception {
        List<Future<JsonNode>> started = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            started.add(pool.submit(() -> client.start("par-1")));
            started.add(pool.submit(() -> client.start("par-2")));
            for (Future<JsonNode> f : started) {
                JsonNode answer = f.get();
                assertThat(answer.path("cdpUrl").asText()).startsWith("ws://127.0.0.1:");
                assertThat(ProcessHandle.of(answer.path("pid").asLong())).hasValueSatisfying(p ->
                        assertThat(p.info().command().orElse("")).contains("chromium"));
                assertThat(answer.path("startMs").asLong()).isPositive();
            }
        }

        JsonNode list = AgentClient.json(client.get("/instances"));
        assertThat(list.findValuesAsText("instanceId")).contains("par-1", "par-2");
        for (JsonNode instance : list) {
            assertThat(instance.path("alive").asBoolean()).isTrue();
            assertThat(instance.path("pool").asText()).isEqualTo("browser");
        }
        client.delete("/instances/par-1");
        client.delete("/instances/par-2");
    }

    @Test
    void startingALiveIdAgainIsAConflict() {
        client.start("twice");

        HttpResponse<byte[]> again = client.post("/instances", "{\"instanceId\":\"twice\",\"pool\":\"browser\",\"version\":\"1\"}");

        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(AgentClient.errorCode(again)).isEqualTo("instance_exists");
        client.delete("/instances/twice");
    }

    @Test
    void deletingStopsTheBrowserRemovesItsProfileAndIsIdempotent() {
        long pid = client.start("doomed").path("pid").asLong();
        String[] arguments = ProcessHandle.of(pid).orElseThrow().info().arguments().orElseThrow();
        Path profile = Arrays.stream(arguments).filter(a -> a.startsWith("--user-data-dir="))
                .map(a -> Path.of(a.substring("--user-data-dir=".length()))).findFirst().orElseThrow();
        assertThat(profile).isDirectory();

        HttpResponse<byte[]> first = client.delete("/instances/doomed");
        HttpResponse<byte[]> second = client.delete("/instances/doomed");

        assertThat(first.statusCode()).isEqualTo(204);
        assertThat(second.statusCode()).isEqualTo(204);
        assertThat(Processes.await(Duration.ofSeconds(5), () -> Processes.mentioning(profile).isEmpty())).isTrue();
        assertThat(profile).doesNotExist();
        assertThat(AgentClient.json(client.get("/instances")).findValuesAsText("instanceId")).doesNotContain("doomed");
    }

    @Test
    void aResetDisposesContextsAndLeavesExactlyOneBlankPage() throws Exception {
        String cdpUrl = client.start("dirty").path("cdpUrl").asText();
        ObjectMapper json = new ObjectMapper();
        try (HttpClient http = HttpClient.newHttpClient();
             CdpConnection cdp = CdpConnection.open(http, URI.create(cdpUrl), json, CDP_TIMEOUT)) {
            String context = cdp.call("Target.createBrowserContext", null, null, CDP_TIMEOUT).path("browserContextId").asText();
            cdp.call("Target.createTarget", Map.of("url", "about:blank", "browserContextId", context), null, CDP_TIMEOUT);
            cdp.call("Target.createTarget", Map.of("url", "about:blank#two"), null, CDP_TIMEOUT);
            cdp.call("Target.createTarget", Map.of("url", "about:blank#three"), null, CDP_TIMEOUT);
            assertThat(pages(cdp)).hasSizeGreaterThanOrEqualTo(4);

            HttpResponse<byte[]> reset = client.post("/instances/dirty/reset", "");

            assertThat(reset.statusCode()).isEqualTo(200);
            assertThat(AgentClient.json(reset).path("reset").asBoolean()).isTrue();
            assertThat(pages(cdp)).singleElement().satisfies(page ->
                    assertThat(page.path("url").asText()).isEqualTo("about:blank"));
            assertThat(cdp.call("Target.getBrowserContexts", null, null, CDP_TIMEOUT).path("browserContextIds")).isEmpty();
        }
        client.delete("/instances/dirty");
    }

    @Test
    void withoutSparePagesAQuickActionLeavesNoContextBehind() throws Exception {
        String cdpUrl = client.start("plain").path("cdpUrl").asText();

        HttpResponse<byte[]> content = client.post("/instances/plain/quick/content", "{\"html\":\"<p>plain</p>\"}");

        assertThat(AgentClient.json(content).path("result").asText()).contains("plain");
        try (HttpClient http = HttpClient.newHttpClient();
             CdpConnection cdp = CdpConnection.open(http, URI.create(cdpUrl), new ObjectMapper(), CDP_TIMEOUT)) {
            assertThat(Processes.await(Duration.ofSeconds(10), () -> cdp.call("Target.getBrowserContexts", null, null,
                    CDP_TIMEOUT).path("browserContextIds").isEmpty())).isTrue();
        }
        client.delete("/instances/plain");
    }

    @Test
    void resetAndQuickActionsOfAnUnknownInstanceAreNotFound() {
        HttpResponse<byte[]> reset = client.post("/instances/ghost/reset", "");

        assertThat(reset.statusCode()).isEqualTo(404);
        assertThat(AgentClient.errorCode(reset)).isEqualTo("instance_not_found");
    }

    @Test
    void badStartRequestsAreRejectedWithoutStartingAnything() {
        HttpResponse<byte[]> badId = client.post("/instances", "{\"instanceId\":\"../etc\",\"pool\":\"browser\",\"version\":\"1\"}");
        HttpResponse<byte[]> notJson = client.post("/instances", "instanceId=x");

        assertThat(badId.statusCode()).isEqualTo(400);
        assertThat(AgentClient.errorCode(badId)).isEqualTo("invalid_field");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(AgentClient.errorCode(notJson)).isEqualTo("invalid_json");
        assertThat(AgentClient.json(client.get("/healthz")).path("ok").asBoolean()).isTrue();
    }

    @Test
    void aBrowserThatExitsAtOnceIsAStartFailureWithItsReason() {
        try (Agent broken = Agent.start(config("broken", "/bin/false", "PT10S"));
             AgentClient brokenClient = new AgentClient(broken.url())) {
            HttpResponse<byte[]> response = brokenClient.post("/instances", "{\"instanceId\":\"x\",\"pool\":\"browser\",\"version\":\"1\"}");

            assertThat(response.statusCode()).isEqualTo(502);
            assertThat(AgentClient.errorCode(response)).isEqualTo("start_failed");
            assertThat(AgentClient.json(response).path("errors").path(0).path("message").asText())
                    .contains("exited during start"); // noticed at once, not at the 10 s start timeout
            assertThat(AgentClient.json(brokenClient.get("/instances"))).isEmpty();
        }
    }

    @Test
    void aBrowserThatNeverBecomesReadyTimesOutAndIsKilled() throws Exception {
        Path silent = dataDir.resolve("silent-browser.sh");
        Files.writeString(silent, "#!/bin/sh\nexec sleep 60\n");
        Files.setPosixFilePermissions(silent, PosixFilePermissions.fromString("rwx------"));
        try (Agent slow = Agent.start(config("slow", silent.toString(), "PT0.5S"));
             AgentClient slowClient = new AgentClient(slow.url())) {
            HttpResponse<byte[]> response = slowClient.post("/instances", "{\"instanceId\":\"x\",\"pool\":\"browser\",\"version\":\"1\"}");

            assertThat(response.statusCode()).isEqualTo(502);
            assertThat(AgentClient.errorCode(response)).isEqualTo("start_failed");
            assertThat(AgentClient.json(response).path("errors").path(0).path("message").asText()).contains("within 500 ms");
            assertThat(Processes.await(Duration.ofSeconds(5), () -> Processes.mentioning(dataDir.resolve("agent-slow")).isEmpty()))
                    .as("the silent browser's process group was killed").isTrue();
        }
    }

    private static List<JsonNode> pages(CdpConnection cdp) {
        List<JsonNode> pages = new ArrayList<>();
        for (JsonNode target : cdp.call("Target.getTargets", null, null, CDP_TIMEOUT).path("targetInfos")) {
            if (target.path("type").asText().equals("page")) {
                pages.add(target);
            }
        }
        return pages;
    }

    private static AgentConfig config(String agentId, String chromium, String startTimeout) {
        return AgentConfig.fromArgs("--agent-id", agentId, "--region", "weur", "--zone", "z1", "--port", "0",
                "--chromium", chromium, "--data-dir", dataDir.toString(), "--start-timeout", startTimeout,
                "--spare-page", "false");
    }
}
