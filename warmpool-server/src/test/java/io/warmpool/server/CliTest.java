package io.warmpool.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.warmpool.core.PoolSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static io.warmpool.server.TestGateway.await;
import static io.warmpool.server.TestGateway.json;
import static org.assertj.core.api.Assertions.assertThat;

/** The CLI against a running gateway (real agents, real Chromium): tables, JSON, exit codes, drain. */
class CliTest {
    @TempDir
    static Path dir;
    static TestGateway gw;

    /** What one CLI run printed, and its exit code. */
    record Run(int code, String out, String err) {
    }

    @BeforeAll
    static void start() {
        gw = TestGateway.warm(dir, PoolSettings.builder("browser").minIdle(2).maxSize(3)
                .acquireTimeout(Duration.ofSeconds(20)).build(), c -> c, Duration.ofSeconds(300));
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.closeLeavingNoOrphans();
        }
    }

    static Run cliWithStdin(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        InputStream oldIn = System.in;
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        try {
            int code = io.warmpool.server.cli.WarmpoolCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setIn(oldIn);
        }
    }

    static Run cli(String... args) {
        return cliWithStdin("", args);
    }

    private String url() {
        return "--url=" + gw.gateway.url();
    }

    @Test
    void statusPrintsEachRegionAndPoolAsATableOrJson() throws Exception {
        Run table = cli("status", url());
        assertThat(table.code()).as(table.err()).isZero();
        assertThat(table.out()).contains("REGION", "WARM", "weur", "enam", "browser");

        Run asJson = cli("status", "--json", url());
        assertThat(asJson.code()).isZero();
        JsonNode parsed = TestGateway.JSON.readTree(asJson.out());
        assertThat(parsed.get("pools").size()).isEqualTo(2);
        assertThat(parsed.get("regions").findValuesAsText("region")).containsExactlyInAnyOrder("weur", "enam");
    }

    @Test
    void exitCodesAre0OkAnd1FailedAnd2BadUsage() {
        assertThat(cli("status", "--help").code()).isZero();
        assertThat(cli("--help").out()).contains("status", "sessions", "drain", "undrain", "hash-key", "up");
        assertThat(cli("status", "--url=http://127.0.0.1:1").code()).as("nothing listens there").isEqualTo(1);
        assertThat(cli("drain", url()).code()).as("neither --region nor --agent").isEqualTo(2);
        assertThat(cli("drain", "--region", "weur", "--agent", "x", url()).code()).as("both").isEqualTo(2);
        Run unknown = cli("drain", "--region", "mars", url());
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains("unknown_region");
        assertThat(cli("status", "--bogus").code()).isEqualTo(2);
        Run port = cli("up", "--port=99999");
        assertThat(port.code()).isEqualTo(2);
        assertThat(port.err()).contains("--port must be between 0 and 65535");
        Run format = cli("up", "--log-format", "xml");
        assertThat(format.code()).isEqualTo(2);
        assertThat(format.err()).contains("--log-format must be text or json");
        assertThat(cli("up", "--help").out()).contains("--log-format");
    }

    @Test
    void hashKeyReadsTheKeyFromStdinNeverFromArguments() {
        Run r = cliWithStdin("secret\n", "hash-key");
        assertThat(r.code()).isZero();
        assertThat(r.out().trim()).isEqualTo("sha256:2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b");
        assertThat(cli("hash-key").code()).as("no key").isEqualTo(2);
        assertThat(cli("hash-key", "secret").code()).as("a key in ps").isEqualTo(2);
    }

    @Test
    void drainingAnAgentStopsItsIdleInstancesKeepsItsSessionUntilReleasedThenStopsThatToo() {
        assertThat(gw.send("POST", "/v1/sessions", "{\"location\":\"JFK\",\"sessionId\":\"held\",\"keepAlive\":\"PT5M\"}")
                .statusCode()).isEqualTo(201);
        JsonNode held = json(gw.send("GET", "/v1/sessions/held", null));
        String agent = gw.gateway.regions().get("enam").shard().snapshot("browser").stream()
                .filter(i -> held.get("instanceId").asText().equals(i.id())).findFirst().orElseThrow().agentId();
        try {
            Run sessions = cli("sessions", url());
            assertThat(sessions.out()).contains("held", "enam", agent);

            Run drain = cli("drain", "--agent", agent, url());
            assertThat(drain.code()).as(drain.err()).isZero();
            assertThat(drain.out()).contains("agent " + agent + " drained");

            assertThat(await(Duration.ofSeconds(60), () -> gw.pool("enam").get("warm").asInt() == 0
                    && gw.pool("enam").get("starting").asInt() == 0)).as("idle instances of the agent stopped").isTrue();
            assertThat(cli("status", url()).out()).contains("agents drained: " + agent);
            assertThat(gw.send("GET", "/v1/sessions/held", null).statusCode()).as("the session is not cut short")
                    .isEqualTo(200);
            JsonNode fallback = json(gw.send("POST", "/v1/sessions", "{\"location\":\"JFK\",\"sessionId\":\"new\"}"));
            assertThat(fallback.get("region").asText()).as("new callers go to the backup").isEqualTo("weur");
            gw.send("DELETE", "/v1/sessions/new", null);

            assertThat(gw.send("DELETE", "/v1/sessions/held", null).statusCode()).isEqualTo(204);
            assertThat(await(Duration.ofSeconds(60), () -> gw.pool("enam").get("total").asInt() == 0))
                    .as("the released instance is stopped, not reset").isTrue();
        } finally {
            gw.send("DELETE", "/v1/sessions/held", null);
            assertThat(cli("undrain", "--agent", agent, url()).code()).isZero();
        }
        assertThat(await(Duration.ofSeconds(120), () -> gw.pool("enam").get("warm").asInt() >= 2))
                .as("undrained, it refills").isTrue();
    }
}
