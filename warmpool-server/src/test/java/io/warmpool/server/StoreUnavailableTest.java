package io.warmpool.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.warmpool.core.PoolSettings;
import io.warmpool.server.config.GatewayConfig;
import io.warmpool.server.config.HeartbeatSettings;
import io.warmpool.server.config.RoutingSettings;
import io.warmpool.server.local.AgentClient;
import io.warmpool.store.jdbc.SqliteInstanceStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.warmpool.server.TestGateway.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A region's shard whose files become unwritable (immutable, so even root cannot write them): acquisitions answer 503
 * store_unavailable (or fall back once the region is stale), heartbeats are held, and everything resumes when the
 * files are writable again. (A full disk does not do it: SQLite's WAL reuses the space it already has.)
 */
class StoreUnavailableTest {
    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newHttpClient();

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0).as(String.join(" ", cmd) + ": " + out).isTrue();
    }

    private HttpResponse<String> send(String url, String method, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode pool(Gateway gw, String region) throws Exception {
        for (JsonNode p : TestGateway.JSON.readTree(send(gw.url() + "/v1/pools", "GET", null).body()).get("result")) {
            if (p.get("region").asText().equals(region)) {
                return p;
            }
        }
        throw new IllegalStateException(region);
    }

    @Test
    void anUnwritableShardAnswers503ThenFallsBackAndEverythingResumesWhenItIsWritable() throws Exception {
        Path fs = Files.createDirectories(dir.resolve("fs"));
        String[] shard = {fs.resolve("weur.db").toString(), fs.resolve("weur.db-wal").toString()};
        AgentClient agents = new AgentClient();
        Gateway gw = null;
        try {
            GatewayConfig config = GatewayConfig.demo(dir.resolve("data"), TestGateway.CHROMIUM, 0)
                    .withPools(Map.of("browser", PoolSettings.builder("browser").minIdle(2).maxSize(3)
                            .staleAfter(Duration.ofSeconds(30)).build()))
                    .withHeartbeat(new HeartbeatSettings(Duration.ofMillis(300), 100, Duration.ofMillis(200), 1, 10_000))
                    .withRouting(new RoutingSettings(false, Duration.ofSeconds(2), Duration.ofSeconds(1)));
            gw = Main.start(config, agents, r -> SqliteInstanceStore.open(
                    (r.name().equals("weur") ? fs : dir.resolve("data")).resolve(r.name() + ".db")));
            Gateway g = gw;
            assertThat(await(Duration.ofSeconds(60), () -> warm(g, "weur") == 2 && warm(g, "enam") == 2)).isTrue();

            run("chattr", "+i", shard[0], shard[1]);

            HttpResponse<String> refused = send(gw.url() + "/v1/sessions", "POST", "{\"location\":\"LHR\"}");
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            assertThat(refused.body()).contains("store_unavailable");
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();

            assertThat(await(Duration.ofSeconds(15), () -> lag(g, "weur") > 2000)).as("held heartbeats grow the lag").isTrue();
            HttpResponse<String> fallback = send(gw.url() + "/v1/sessions", "POST", "{\"location\":\"LHR\",\"sessionId\":\"fb\"}");
            assertThat(fallback.statusCode()).as(fallback.body()).isEqualTo(201);
            JsonNode s = TestGateway.JSON.readTree(fallback.body());
            assertThat(s.get("region").asText()).isEqualTo("enam");
            assertThat(s.get("fallback").asBoolean()).isTrue();

            run("chattr", "-i", shard[0], shard[1]);
            assertThat(await(Duration.ofSeconds(20), () -> lag(g, "weur") < 1000)).as("held heartbeats written").isTrue();
            java.util.concurrent.atomic.AtomicInteger attempt = new java.util.concurrent.atomic.AtomicInteger();
            assertThat(await(Duration.ofSeconds(20), () -> {
                try {
                    String id = "back-" + attempt.incrementAndGet();
                    HttpResponse<String> r = send(g.url() + "/v1/sessions", "POST", "{\"location\":\"LHR\",\"sessionId\":\"" + id + "\"}");
                    send(g.url() + "/v1/sessions/" + id, "DELETE", null);
                    return r.statusCode() == 201 && TestGateway.JSON.readTree(r.body()).get("region").asText().equals("weur");
                } catch (Exception e) {
                    return false;
                }
            })).as("weur serves again once its lag has been low for the hold time").isTrue();
        } finally {
            if (gw != null) {
                gw.close();
            }
            agents.close();
            for (String f : shard) {
                if (Files.exists(Path.of(f))) {
                    run("chattr", "-i", f); // the temp dir must be deletable whatever happened above
                }
            }
        }
    }

    private int warm(Gateway gw, String region) {
        try {
            return pool(gw, region).get("warm").asInt();
        } catch (Exception e) {
            return -1;
        }
    }

    private long lag(Gateway gw, String region) {
        try {
            return pool(gw, region).get("heartbeatLagMs").asLong();
        } catch (Exception e) {
            return -1;
        }
    }
}
