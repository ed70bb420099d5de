package io.warmpool.server;

import io.warmpool.core.PoolSettings;
import io.warmpool.server.config.RegionConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.warmpool.server.TestGateway.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway whose region runs on {@code remote} agents, and a {@code warmpool agent} in its own OS process (started
 * through the CLI's main class), on loopback with real Chromium: the pool fills on the agent, a session is acquired
 * and released, a wrong secret is refused, and an agent killed with -9 has its instances LOST and leaves no browser.
 */
class RemoteAgentTest {
    private static final String SECRET = "s3cret-for-the-remote-agent-test";

    @TempDir
    Path dir;

    @Test
    @Timeout(240)
    void aRemoteAgentFillsThePoolServesASessionAndIsLostWhenKilled() throws Exception {
        Path secretFile = Files.writeString(dir.resolve("cluster.secret"), SECRET + "\n");
        PoolSettings browser = PoolSettings.builder("browser").minIdle(2).maxSize(3)
                .staleAfter(Duration.ofSeconds(15)).build();
        TestGateway gw = new TestGateway(dir.resolve("gw"), browser, c -> c
                .withRegions(Map.of("weur", new RegionConfig("weur", List.of(), List.of("weur-a"), RegionConfig.REMOTE)),
                        "weur")
                .withClusterSecretFile(secretFile));
        Path agentDir = dir.resolve("agent");
        Process agent = null;
        try {
            Files.writeString(dir.resolve("wrong.secret"), "not-the-secret");
            Process wrong = AgentCli.start(gw.gateway.url(), "weur-a", 3, dir.resolve("wrong.secret"),
                    dir.resolve("wrong")).process;
            assertThat(wrong.waitFor(60, TimeUnit.SECONDS)).as("an agent every gateway refuses exits").isTrue();
            assertThat(wrong.exitValue()).isEqualTo(1);
            assertThat(Files.readString(dir.resolve("wrong").resolve("agent.log")))
                    .contains("HTTP 401").contains("wrong cluster secret");
            assertThat(gw.pool("weur").get("warm").asInt()).isZero();

            AgentCli cli = AgentCli.start(gw.gateway.url(), "weur-a", 3, secretFile, agentDir);
            agent = cli.process;
            String url = cli.url();
            assertThat(url).startsWith("http://127.0.0.1:");
            assertThat(await(Duration.ofSeconds(120), () -> gw.pool("weur").get("warm").asInt() >= 2)).isTrue();
            assertThat(browsers(agentDir)).isGreaterThanOrEqualTo(2);
            assertThat(gw.browserProcesses()).as("the gateway started no browser itself").isZero();

            var acquired = gw.send("POST", "/v1/sessions", "{\"sessionId\":\"remote-1\"}");
            assertThat(acquired.statusCode()).isEqualTo(201);
            assertThat(gw.pool("weur").get("claimed").asInt()).isEqualTo(1);
            assertThat(gw.send("DELETE", "/v1/sessions/remote-1", null).statusCode()).isLessThan(300);
            assertThat(await(Duration.ofSeconds(30), () -> gw.pool("weur").get("claimed").asInt() == 0
                    && gw.pool("weur").get("warm").asInt() >= 2)).as("released, reset on the agent, warm again").isTrue();

            Set<String> warm = ids(gw, "WARM");
            // 2 or 3: while the session held one, the pool may have started a third to keep minIdle warm
            assertThat(warm).hasSizeBetween(2, 3);
            agent.destroyForcibly();
            assertThat(agent.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(await(Duration.ofSeconds(30), () -> browsers(agentDir) == 0))
                    .as("no browser outlives its agent's kill -9").isTrue();
            assertThat(await(Duration.ofSeconds(60), () -> java.util.Collections.disjoint(warm,
                    ids(gw, "WARM", "CLAIMED", "STARTING")) && gw.pool("weur").get("warm").asInt() == 0))
                    .as("its instances are no longer handed out").isTrue();
            assertThat(TestGateway.json(gw.send("GET", "/v1/ops/dashboard", null)).path("result").path("events")
                    .toString()).as("they were found LOST").contains("LOST and replaced");
        } finally {
            if (agent != null && agent.isAlive()) {
                agent.destroy();
                agent.waitFor(30, TimeUnit.SECONDS);
            }
            gw.close();
        }
    }

    /** The ids of the gateway's weur instances in one of {@code states}, read from its SQLite shard. */
    private static Set<String> ids(TestGateway gw, String... states) {
        Set<String> out = new HashSet<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + gw.dataDir.resolve("weur.db"));
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT id, state FROM instances")) {
            while (rs.next()) {
                if (List.of(states).contains(rs.getString(2))) {
                    out.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    private static long browsers(Path agentDir) {
        return Processes.mentioning(agentDir.toString()).stream().filter(p -> p.line().contains("chromium")).count();
    }
}
