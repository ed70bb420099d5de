package io.warmpool.server;

import io.warmpool.core.PoolSettings;
import io.warmpool.server.config.AuthSettings;
import io.warmpool.server.http.KeyHash;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.warmpool.server.TestGateway.await;
import static io.warmpool.server.TestGateway.json;
import static org.assertj.core.api.Assertions.assertThat;

/** Each metric family moves when its event happens, on a real gateway with real agents and Chromium. */
class MetricsTest {
    private static final String[] ACME = {"Authorization", "Bearer acme-key"};
    private static final String[] READER = {"Authorization", "Bearer reader-key"};

    @TempDir
    static Path dir;
    static TestGateway gw;
    static TestPages pages;

    @BeforeAll
    static void start() {
        pages = new TestPages(Map.of("/hello", "<!doctype html><p>hello</p>"));
        AuthSettings auth = new AuthSettings(false, Map.of(
                "acme", new AuthSettings.Tenant("acme", List.of(KeyHash.of("acme-key")), new AuthSettings.Limits(5, 100, 100)),
                "tight", new AuthSettings.Tenant("tight", List.of(KeyHash.of("tight-key")), new AuthSettings.Limits(5, 100, 1))),
                AuthSettings.Limits.DEFAULT, List.of(KeyHash.of("reader-key")), List.of("acme"));
        gw = TestGateway.warm(dir, PoolSettings.builder("browser").minIdle(1).maxSize(1)
                .acquireTimeout(Duration.ofSeconds(20)).build(),
                c -> c.withAuth(auth, "127.0.0.1").withEgressAllow(List.of()), // loopback pages are refused
                Duration.ofSeconds(180), ACME);
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.closeLeavingNoOrphans();
        }
        pages.close();
    }

    private static String scrape() {
        HttpResponse<byte[]> r = gw.send("GET", "/metrics", null, READER);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    private static double value(String name, String... labels) {
        return PromText.value(scrape(), name, labels);
    }

    @Test
    void metricsNeedAKeyAndAReadOnlyKeyMayReadButNotAcquire() {
        assertThat(gw.send("GET", "/metrics", null).statusCode()).isEqualTo(401);
        assertThat(gw.send("GET", "/metrics", null, ACME).statusCode()).isEqualTo(200);
        assertThat(gw.send("GET", "/v1/pools", null, READER).statusCode()).isEqualTo(200);
        assertThat(gw.send("POST", "/v1/sessions", "{}", READER).statusCode()).isEqualTo(401);
        assertThat(gw.send("POST", "/v1/ops/drain", "{\"region\":\"weur\"}", READER).statusCode()).isEqualTo(401);
        assertThat(gw.send("POST", "/v1/ops/drain", "{\"region\":\"weur\"}", "Authorization", "Bearer tight-key")
                .statusCode()).as("a tenant that is not an operator").isEqualTo(403);
    }

    @Test
    void theProbesAnswerWithoutCredentials() {
        assertThat(gw.send("GET", "/healthz", null).statusCode()).isEqualTo(200);
        HttpResponse<byte[]> ready = gw.send("GET", "/readyz", null);
        assertThat(ready.statusCode()).as(new String(ready.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(json(ready).get("regions").findValuesAsText("region")).containsExactlyInAnyOrder("weur", "enam");
    }

    @Test
    void jvmAndProcessMetricsAreThere() {
        String text = scrape();
        assertThat(text).contains("jvm_memory_used_bytes{", "process_cpu_usage", "jvm_threads_live_threads",
                "process_uptime_seconds");
    }

    @Test
    void startsHeartbeatsAndInstanceGaugesMoveAsThePoolWarms() {
        assertThat(value("warmpool_starts_total", "region", "weur", "pool", "browser", "result", "ok")).isGreaterThanOrEqualTo(1);
        assertThat(value("warmpool_start_seconds_count", "region", "weur", "pool", "browser")).isGreaterThanOrEqualTo(1);
        assertThat(await(Duration.ofSeconds(20), () -> value("warmpool_heartbeat_batch_seconds_count", "region", "weur") >= 1))
                .as("heartbeat batches are timed").isTrue();
        assertThat(value("warmpool_heartbeat_lag_seconds", "region", "enam")).isGreaterThanOrEqualTo(0);
    }

    @Test
    void anAcquireAndAFallbackMoveTheirFamiliesAndTheClaimedGauge() {
        double warm = value("warmpool_acquire_seconds_count", "region", "weur", "pool", "browser", "outcome", "warm");
        try {
            assertThat(gw.send("POST", "/v1/sessions", "{\"location\":\"CDG\",\"sessionId\":\"m-1\"}", ACME).statusCode())
                    .isEqualTo(201);
            assertThat(value("warmpool_acquire_seconds_count", "region", "weur", "pool", "browser", "outcome", "warm"))
                    .isEqualTo(warm + 1);
            assertThat(await(Duration.ofSeconds(5), () ->
                    value("warmpool_instances", "region", "weur", "pool", "browser", "state", "claimed") == 1
                            && value("warmpool_sessions_active", "region", "weur", "pool", "browser") == 1)).isTrue();

            HttpResponse<byte[]> second = gw.send("POST", "/v1/sessions", "{\"location\":\"CDG\",\"sessionId\":\"m-2\"}", ACME);
            assertThat(second.statusCode()).isEqualTo(201);
            assertThat(json(second).get("fallback").asBoolean()).as("weur is full (maxSize 1)").isTrue();
            assertThat(value("warmpool_fallbacks_total", "region", "weur", "backup", "enam", "reason", "exhausted"))
                    .isGreaterThanOrEqualTo(1);
            assertThat(value("warmpool_acquire_seconds_count", "region", "weur", "pool", "browser", "outcome", "fallback"))
                    .isGreaterThanOrEqualTo(1);
        } finally {
            gw.send("DELETE", "/v1/sessions/m-1", null, ACME);
            gw.send("DELETE", "/v1/sessions/m-2", null, ACME);
        }
    }

    @Test
    void aQuickActionIsTimedByActionAndStatus() {
        HttpResponse<byte[]> r = gw.send("POST", "/v1/quick/content?location=JFK", "{\"html\":\"<p>hi</p>\"}", ACME);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(value("warmpool_quick_action_seconds_count", "action", "content", "status", "200")).isGreaterThanOrEqualTo(1);
        assertThat(gw.send("POST", "/v1/quick/content", "{}", ACME).statusCode()).isEqualTo(400);
        assertThat(value("warmpool_quick_action_seconds_count", "action", "content", "status", "400")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aLimitHitCountsByItsName() {
        boolean limited = false;
        for (int i = 0; i < 10 && !limited; i++) {
            limited = gw.send("POST", "/v1/quick/content", "{}", "Authorization", "Bearer tight-key").statusCode() == 429;
        }
        assertThat(limited).isTrue();
        assertThat(value("warmpool_rate_limited_total", "limit", "quickPerSecond")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aBlockedPageCountsAsBlockedEgress() {
        HttpResponse<byte[]> r = gw.send("POST", "/v1/quick/content?location=JFK",
                "{\"url\":\"" + pages.url("/hello") + "\"}", ACME);
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(400);
        assertThat(value("warmpool_egress_blocked_total", "reason", "url")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void theSizingGaugesFollowThePool() {
        assertThat(value("warmpool_pool_target", "region", "enam", "pool", "browser")).as("minIdle 1").isEqualTo(1);
        assertThat(await(Duration.ofSeconds(10), () ->
                value("warmpool_idle_instance_seconds", "region", "enam", "pool", "browser") > 0))
                .as("a warm, unclaimed instance accrues idle time").isTrue();
        try {
            assertThat(gw.send("POST", "/v1/sessions", "{\"location\":\"JFK\",\"sessionId\":\"s-1\"}", ACME)
                    .statusCode()).isEqualTo(201);
            assertThat(value("warmpool_warm_hit_ratio", "region", "enam", "pool", "browser"))
                    .as("an acquire gives the ratio a value").isBetween(0.0, 1.0);
        } finally {
            gw.send("DELETE", "/v1/sessions/s-1", null, ACME);
        }
    }

    @Test
    void theAgentsFamiliesAreReExposedPerRegionAgentAndPoolAndMove() {
        String[] enam = {"region", "enam", "pool", "browser"};
        String text = scrape();
        assertThat(text).contains("# TYPE warmpool_agent_browsers gauge", "agent=\"enam-");
        assertThat(PromText.value(text, "warmpool_agent_browsers", enam)).isGreaterThanOrEqualTo(1);
        assertThat(PromText.value(text, "warmpool_agent_browser_memory_bytes", enam)).as("PSS of the browser")
                .isGreaterThan(10_000_000);
        double cpu = PromText.value(text, "warmpool_agent_browser_cpu_seconds", enam);
        double cdp = PromText.value(text, "warmpool_agent_cdp_seconds_count", enam);
        assertThat(cpu).isPositive();

        HttpResponse<byte[]> r = gw.send("POST", "/v1/quick/content?location=JFK",
                "{\"html\":\"<p>moving</p><script>for (let i = 0; i < 1e7; i++) Math.sqrt(i);</script>\"}", ACME);
        assertThat(r.statusCode()).isEqualTo(200);

        String after = scrape();
        assertThat(PromText.value(after, "warmpool_agent_cdp_seconds_count", enam)).as("CDP commands timed")
                .isGreaterThan(cdp);
        assertThat(PromText.value(after, "warmpool_agent_browser_cpu_seconds", enam)).as("the page used CPU")
                .isGreaterThan(cpu);
    }
}
