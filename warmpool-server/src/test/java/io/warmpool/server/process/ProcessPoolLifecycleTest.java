package io.warmpool.server.process;

import com.fasterxml.jackson.databind.JsonNode;
import io.warmpool.testkit.PooledHttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** A process pool's life in a real gateway: reset, recycling, a killed process, a process that never gets ready. */
class ProcessPoolLifecycleTest {
    @TempDir
    Path dir;
    private ProcessGateway gw;

    @AfterEach
    void noOrphans() {
        if (gw != null) {
            gw.close();
            assertThat(PooledHttpServer.await(Duration.ofSeconds(5), () -> gw.processes().isEmpty()))
                    .as("processes left: " + gw.processes()).isTrue();
        }
    }

    private String pool(String command, String readiness, String extra) {
        return """
                {"echo": {"template": {"process": {"command": %s, "readiness": %s, "startTimeout": "PT10S",
                  "stopTimeout": "PT1S", "reset": {"httpCall": "http://127.0.0.1:{port}/reset"}}} %s}}"""
                .formatted(command, readiness, extra);
    }

    private String echo(String extra) {
        return pool(json(PooledHttpServer.command(dir)), "{\"http\": \"http://127.0.0.1:{port}/health\"}", extra);
    }

    private static String json(Object o) {
        try {
            return ProcessGateway.JSON.writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void acquire(String sessionId) {
        HttpResponse<byte[]> r = gw.send("POST", "/v1/sessions", ("{\"pool\":\"echo\",\"sessionId\":\"" + sessionId
                + "\"}").getBytes(), "Content-Type", "application/json");
        assertThat(r.statusCode()).as(new String(r.body())).isIn(200, 201);
    }

    private JsonNode hello(String sessionId) {
        HttpResponse<byte[]> r = gw.send("GET", "/v1/sessions/" + sessionId + "/proxy/", null);
        assertThat(r.statusCode()).as(new String(r.body())).isEqualTo(200);
        return ProcessGateway.json(r);
    }

    private void release(String sessionId) {
        assertThat(gw.send("DELETE", "/v1/sessions/" + sessionId, null).statusCode()).isEqualTo(204);
    }

    @Test
    void aReleasedProcessIsResetAndRecycledAfterMaxUses() {
        gw = new ProcessGateway(dir, echo(", \"minIdle\": 1, \"maxSize\": 1, \"maxUses\": 2"));
        assertThat(gw.awaitWarm("echo", 1)).isTrue();
        acquire("a");
        JsonNode first = hello("a");
        assertThat(hello("a").get("count").asInt()).isEqualTo(2);
        release("a");

        // the only instance again, reset by its POST /reset: its count starts over
        assertThat(gw.awaitWarm("echo", 1)).isTrue();
        acquire("b");
        JsonNode second = hello("b");
        assertThat(second.get("pid").asLong()).isEqualTo(first.get("pid").asLong());
        assertThat(second.get("count").asInt()).isEqualTo(1);
        release("b");

        // two uses: recycled, its process gone, and a fresh one takes its place
        long old = first.get("pid").asLong();
        assertThat(PooledHttpServer.await(Duration.ofSeconds(20), () -> PooledHttpServer.gone(old))).isTrue();
        assertThat(gw.awaitWarm("echo", 1)).isTrue();
        acquire("c");
        assertThat(hello("c").get("pid").asLong()).isNotEqualTo(old);
    }

    @Test
    void aProcessKilledWithSigkillIsLostAndReplacedWithNoOrphan() throws Exception {
        gw = new ProcessGateway(dir, echo(", \"minIdle\": 1, \"maxSize\": 3"));
        assertThat(gw.awaitWarm("echo", 1)).isTrue();
        acquire("k");
        long pid = hello("k").get("pid").asLong();
        String port = portOf(pid);
        assertThat(port).matches("\\d+");
        new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();

        // its heartbeat says dead: the session's instance is LOST (410), and its wrapper goes too
        assertThat(PooledHttpServer.await(Duration.ofSeconds(10),
                () -> gw.send("GET", "/v1/sessions/k/proxy/", null).statusCode() == 410)).isTrue();
        assertThat(PooledHttpServer.await(Duration.ofSeconds(10), () -> gw.processes().stream()
                .noneMatch(p -> cmdline(p).endsWith(" " + port + " ")))).isTrue();
        // housekeeping keeps one warm beside the lost one
        assertThat(gw.awaitWarm("echo", 1)).isTrue();
        release("k");
        assertThat(PooledHttpServer.await(Duration.ofSeconds(10), () -> gw.pool("echo").get("lost").asInt() == 0))
                .isTrue();
        gw.assertOneProcessPerInstance("echo");
    }

    @Test
    void aProcessThatNeverGetsReadyIsKilledAtItsStartTimeoutAndThePoolBacksOffAndSaysFailing() {
        // python sleeps and never listens: the TCP probe never answers
        String never = json(java.util.List.of("python3", "-c", "import time, sys; time.sleep(300)", dir.toString()));
        gw = new ProcessGateway(dir, pool(never, "{\"tcp\": true}", ", \"minIdle\": 1, \"maxSize\": 2, "
                + "\"startParallelism\": 1, \"startBackoffMax\": \"PT2S\"").replace("\"PT10S\"", "\"PT0.5S\""));
        assertThat(PooledHttpServer.await(Duration.ofSeconds(20),
                () -> gw.pool("echo").get("startFailures").asInt() >= 3)).isTrue();
        JsonNode pool = gw.pool("echo");
        assertThat(pool.get("state").asText()).isEqualTo("failing");
        assertThat(pool.get("lastStartError").asText()).contains("not ready within 500 ms");
        assertThat(pool.get("warm").asInt()).isZero();
        // each attempt is killed at its timeout: never more than one sleeper at a time (startParallelism 1)
        assertThat(gw.pythons().size()).isLessThanOrEqualTo(1);
        // an acquire does not hang on it: 503 with Retry-After once the acquire timeout passes
        HttpResponse<byte[]> r = gw.send("POST", "/v1/sessions", "{\"pool\":\"echo\"}".getBytes(),
                "Content-Type", "application/json");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
    }

    private static String cmdline(long pid) {
        try {
            return new String(java.nio.file.Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")))
                    .replace('\0', ' ');
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static String portOf(long pid) {
        String[] args = cmdline(pid).trim().split(" ");
        return args.length == 0 ? "?" : args[args.length - 1];
    }
}
