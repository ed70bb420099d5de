package io.warmpool.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.warmpool.core.PoolSettings;
import io.warmpool.server.config.GatewayConfig;
import io.warmpool.server.config.HeartbeatSettings;
import io.warmpool.server.local.AgentClient;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** A real gateway with real agents and Chromium on an ephemeral port, and a small HTTP client for tests. */
final class TestGateway implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path CHROMIUM = Main.findChromium(null)
            .orElseThrow(() -> new IllegalStateException("tests need Chromium: apt-get install -y chromium"));

    final Gateway gateway;
    final Path dataDir;
    private final AgentClient agents = new AgentClient();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    TestGateway(Path dataDir, PoolSettings browser) {
        this(dataDir, browser, c -> c);
    }

    TestGateway(Path dataDir, PoolSettings browser, java.util.function.UnaryOperator<GatewayConfig> tweak) {
        this.dataDir = dataDir;
        GatewayConfig config = GatewayConfig.demo(dataDir, CHROMIUM, 0)
                .withPools(Map.of("browser", browser))
                .withHeartbeat(new HeartbeatSettings(Duration.ofMillis(500), 100, Duration.ofMillis(200), 1, 10_000))
                .withEgressAllow(java.util.List.of("127.0.0.1/32")); // the tests' pages are served on loopback
        this.gateway = Main.start(tweak.apply(config), agents);
    }

    /**
     * Starts a gateway and waits up to {@code timeout} until every region has {@code browser.minIdle()} warm
     * instances (asking {@code /v1/pools} with {@code headers}); fails the test when they do not come.
     */
    static TestGateway warm(Path dataDir, PoolSettings browser, java.util.function.UnaryOperator<GatewayConfig> tweak,
                            Duration timeout, String... headers) {
        TestGateway gw = new TestGateway(dataDir, browser, tweak);
        boolean warm = await(timeout, () -> gw.gateway.regions().keySet().stream()
                .allMatch(r -> gw.pool(r, headers).get("warm").asInt() >= browser.minIdle()));
        if (!warm) {
            gw.close();
            throw new AssertionError("not every region reached minIdle=" + browser.minIdle() + " warm in " + timeout);
        }
        return gw;
    }

    /** Closes, then fails if a Chromium or an agent JVM it started outlives it. */
    void closeLeavingNoOrphans() {
        close();
        if (browserProcesses() != 0 || agentProcesses() != 0) {
            throw new AssertionError("orphans: " + browserProcesses() + " Chromium, " + agentProcesses() + " agents");
        }
    }

    HttpResponse<byte[]> send(String method, String path, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.url() + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
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

    static JsonNode json(HttpResponse<byte[]> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + new String(r.body()), e);
        }
    }

    JsonNode pool(String region, String... headers) {
        for (JsonNode p : json(send("GET", "/v1/pools", null, headers)).get("result")) {
            if (p.get("region").asText().equals(region)) {
                return p;
            }
        }
        throw new IllegalStateException("no pool in " + region);
    }

    /** Polls {@code condition} every 50 ms until it holds or {@code timeout} passes; returns whether it held. */
    static boolean await(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return condition.getAsBoolean();
    }

    /** Chromium processes (any process) whose command line mentions this gateway's data dir. */
    long browserProcesses() {
        return Processes.mentioning(dataDir.toString()).stream().filter(p -> p.line().contains("chromium")).count();
    }

    /** Agent JVMs started by this gateway. */
    long agentProcesses() {
        return Processes.mentioning(dataDir.toString()).stream().filter(p -> p.line().contains("AgentMain")).count();
    }

    @Override
    public void close() {
        gateway.close();
        agents.close();
        http.close();
    }
}
