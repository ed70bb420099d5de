package io.warmpool.server.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.warmpool.server.Gateway;
import io.warmpool.server.Main;
import io.warmpool.server.config.ConfigReader;
import io.warmpool.server.config.GatewayConfig;
import io.warmpool.server.local.AgentClient;
import io.warmpool.testkit.PooledHttpServer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real gateway whose pools are given as config JSON (process pools of real Python processes, no browser), one
 * region {@code weur}, fast heartbeats and housekeeping, and a small HTTP client. Closing it checks that no process
 * mentioning the test directory outlives it.
 */
final class ProcessGateway implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    final Gateway gateway;
    final Path dir;
    private final AgentClient agents = new AgentClient();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** @param pools the config's {@code "pools"} object */
    ProcessGateway(Path dir, String pools) {
        this(dir, pools, "");
    }

    /** @param more further top-level config keys, each followed by a comma ({@code "auth": {…},}) */
    ProcessGateway(Path dir, String pools, String more) {
        this.dir = dir;
        GatewayConfig defaults = GatewayConfig.demo(dir.resolve("data"), Path.of("/usr/bin/chromium"), 0);
        GatewayConfig config = ConfigReader.parse("""
                {%s "regions": {"weur": {"zones": ["weur-a"]}}, "defaultRegion": "weur",
                 "heartbeat": {"interval": "PT0.3S", "flushAfter": "PT0.1S"}, "housekeepingInterval": "PT0.2S",
                 "pools": %s}""".formatted(more, pools), defaults);
        this.gateway = Main.start(config, agents);
    }

    HttpResponse<byte[]> send(String method, String path, byte[] body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.url() + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    JsonNode json(String method, String path, String body) {
        return json(send(method, path, body == null ? null : body.getBytes(), "Content-Type", "application/json"));
    }

    static JsonNode json(HttpResponse<byte[]> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException("not JSON (" + r.statusCode() + "): " + new String(r.body()), e);
        }
    }

    /** The row of {@code pool} in {@code GET /v1/pools}. */
    JsonNode pool(String pool) {
        for (JsonNode p : json("GET", "/v1/pools", null).get("result")) {
            if (p.get("pool").asText().equals(pool)) {
                return p;
            }
        }
        throw new IllegalStateException("no pool " + pool);
    }

    boolean awaitWarm(String pool, int warm) {
        return PooledHttpServer.await(Duration.ofSeconds(30), () -> pool(pool).get("warm").asInt() >= warm);
    }

    /**
     * Waits (10 s at most) until the pool's live instances and the pooled python processes are as many: one process
     * per instance, no orphan and none missing. A start in flight has its row before its process, so the two are
     * compared once they settle; a lasting mismatch still fails.
     */
    void assertOneProcessPerInstance(String pool) {
        java.util.concurrent.atomic.AtomicReference<String> last = new java.util.concurrent.atomic.AtomicReference<>();
        boolean settled = PooledHttpServer.await(Duration.ofSeconds(10), () -> {
            int total = pool(pool).get("total").asInt();
            java.util.List<Long> running = pythons();
            last.set(total + " instances, python processes " + running);
            return running.size() == total;
        });
        org.assertj.core.api.Assertions.assertThat(settled).as("one process per instance: %s", last.get()).isTrue();
    }

    /** Processes whose command line mentions the test directory (the pooled scripts live there). */
    java.util.List<Long> processes() {
        return PooledHttpServer.mentioning(dir.toString());
    }

    /** Sends {@code request} as raw HTTP/1.1 bytes (headers java.net.http refuses to set) and reads to the end. */
    String raw(String request) throws IOException {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", gateway.port())) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            return new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    /** The pooled Python processes themselves (not their wrapper shells). */
    java.util.List<Long> pythons() {
        return processes().stream().filter(pid -> {
            try {
                return new String(java.nio.file.Files.readAllBytes(Path.of("/proc", pid.toString(), "cmdline")))
                        .split("\0")[0].endsWith("python3");
            } catch (IOException e) {
                return false;
            }
        }).toList();
    }

    @Override
    public void close() {
        gateway.close();
        agents.close();
        http.close();
    }
}
