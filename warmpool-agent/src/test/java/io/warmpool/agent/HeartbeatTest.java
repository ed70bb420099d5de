package io.warmpool.agent;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** An agent with real browsers reporting to a fake gateway. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HeartbeatTest {
    private static final Duration AWAIT = Duration.ofSeconds(10);

    @TempDir
    static Path dataDir;
    private FakeGateway gateway;
    private Agent agent;
    private AgentClient client;

    @BeforeAll
    void startAgent() throws Exception {
        gateway = new FakeGateway();
        agent = Agent.start(AgentConfig.fromArgs("--agent-id", "beat", "--region", "enam", "--zone", "z2",
                "--port", "0", "--chromium", "/usr/bin/chromium", "--data-dir", dataDir.toString(),
                "--gateway", gateway.url().toString(), "--heartbeat-interval", "PT0.2S"));
        client = new AgentClient(agent.url());
    }

    @AfterAll
    void stopAgent() {
        client.start("last");
        agent.close();
        assertThat(gateway.reported("last", false)).as("a stopping agent reports its instances gone").isTrue();
        client.close();
        gateway.close();
        assertThat(Processes.await(Duration.ofSeconds(5), () -> Processes.mentioning(dataDir).isEmpty()))
                .as("no process left under %s", dataDir).isTrue();
        assertThat(Processes.await(Duration.ofSeconds(5), () -> Processes.agentThreads().isEmpty()))
                .as("no agent thread left: %s", Processes.agentThreads()).isTrue();
    }

    @Test
    void heartbeatsArrivePeriodicallyListingEveryInstance() {
        client.start("steady");
        int before = gateway.reports().size();

        boolean several = Processes.await(AWAIT, () -> gateway.reports().stream().skip(before)
                .filter(r -> r.path("instances").findValuesAsText("instanceId").contains("steady")).count() >= 3);

        assertThat(several).as("three reports listing the instance").isTrue();
        JsonNode last = gateway.reports().getLast();
        assertThat(last.path("agentId").asText()).isEqualTo("beat");
        assertThat(last.path("region").asText()).isEqualTo("enam");
        assertThat(Instant.parse(last.path("at").asText())).isBefore(Instant.now().plusSeconds(1));
        assertThat(gateway.reported("steady", true)).isTrue();
        client.delete("/instances/steady");
    }

    @Test
    void aBrowserThatStopsAnsweringCdpIsReportedDeadAfterATimedOutAction() throws Exception {
        long pid = client.start("frozen").path("pid").asLong();
        assertThat(new ProcessBuilder("kill", "-STOP", Long.toString(pid)).start().waitFor()).isZero();
        try {
            long t0 = System.nanoTime();
            var response = client.post("/instances/frozen/quick/content",
                    "{\"html\":\"<p>x</p>\",\"gotoOptions\":{\"timeout\":1000}}");

            assertThat(response.statusCode()).isEqualTo(502);
            assertThat(AgentClient.errorCode(response)).isEqualTo("browser_unresponsive");
            // opening the page waits up to its 10 s CDP bound, then the probe up to 3 s; a hang would run into the
            // client's 90 s timeout. 45 s leaves room for a loaded CI machine (26 s seen at load 30).
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(45));
            assertThat(Processes.await(AWAIT, () -> gateway.reported("frozen", false))).as("reported dead at once").isTrue();
            assertThat(Processes.await(AWAIT, () -> !AgentClient.json(client.get("/instances"))
                    .findValuesAsText("instanceId").contains("frozen"))).as("forgotten").isTrue();
        } finally {
            new ProcessBuilder("kill", "-CONT", Long.toString(pid)).start().waitFor();
        }
        assertThat(Processes.await(AWAIT, () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true)))
                .as("its process group was killed").isTrue();
    }

    @Test
    void aChromiumKilledFromOutsideIsReportedDeadAndForgotten() {
        long pid = client.start("victim").path("pid").asLong();

        ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // SIGKILL, as an OOM killer would

        assertThat(Processes.await(AWAIT, () -> gateway.reported("victim", false))).as("reported dead").isTrue();
        assertThat(Processes.await(AWAIT, () -> !AgentClient.json(client.get("/instances"))
                .findValuesAsText("instanceId").contains("victim"))).as("forgotten").isTrue();
        assertThat(Processes.await(AWAIT, () -> Processes.mentioning(dataDir.resolve("agent-beat").resolve("victim-"))
                .isEmpty())).as("its process group is gone").isTrue();
        assertThat(client.post("/instances/victim/quick/content", "{\"html\":\"<p>\"}").statusCode()).isEqualTo(404);
    }
}
