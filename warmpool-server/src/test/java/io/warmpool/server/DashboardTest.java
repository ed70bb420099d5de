package io.warmpool.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.warmpool.Instance;
import io.warmpool.InstanceState;
import io.warmpool.core.PoolSettings;
import io.warmpool.server.config.AuthSettings;
import io.warmpool.server.http.KeyHash;
import io.warmpool.store.jdbc.SqliteInstanceStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.warmpool.server.TestGateway.await;
import static io.warmpool.server.TestGateway.json;
import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard in a real Chromium (puppeteer-core) against a real gateway with real agents and browsers. */
class DashboardTest {
    private static final String[] ACME = {"Authorization", "Bearer acme-key"};
    private static final String[] READER = {"Authorization", "Bearer reader-key"};
    private static final int BULK = 1000;

    @TempDir
    static Path dir;
    static TestGateway gw;

    @BeforeAll
    static void start() {
        AuthSettings auth = new AuthSettings(false, Map.of("acme", new AuthSettings.Tenant("acme",
                List.of(KeyHash.of("acme-key")), new AuthSettings.Limits(10, 100, 100))),
                AuthSettings.Limits.DEFAULT, List.of(KeyHash.of("reader-key")), List.of("acme"));
        gw = TestGateway.warm(dir, PoolSettings.builder("browser").minIdle(1).maxSize(1)
                .acquireTimeout(Duration.ofSeconds(20)).build(), c -> c.withAuth(auth, "127.0.0.1"), Duration.ofSeconds(180), ACME);
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.closeLeavingNoOrphans();
        }
    }

    /** A page in a browser of its own; every command answers one JSON line. */
    private static final class Page implements AutoCloseable {
        private final NodeScript script = NodeScript.start("dashboard.js", gw.gateway.url() + "/", browser().toString());

        Page() {
            assertThat(script.nextLine().get("ready").asBoolean()).isTrue();
        }

        JsonNode run(String command) {
            script.send(command);
            JsonNode answer = script.nextLine();
            assertThat(answer).as("the page script ended").isNotNull();
            assertThat(answer.get("ok").asBoolean()).as(command + ": " + answer).isTrue();
            return answer;
        }

        @Override
        public void close() {
            script.send("quit");
            assertThat(script.waitFor(30)).isZero();
            script.close();
        }

        private static Path browser() {
            Path shell = Path.of("/usr/bin/chromium-headless-shell");
            return Files.isExecutable(shell) ? shell : TestGateway.CHROMIUM;
        }
    }

    @Test
    void theDataNeedsAKeyButThePageItselfHoldsNone() {
        HttpResponse<byte[]> page = gw.send("GET", "/", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy").orElse("")).contains("default-src 'self'");
        assertThat(gw.send("GET", "/dashboard/app.js", null).statusCode()).isEqualTo(200);
        assertThat(gw.send("GET", "/v1/ops/dashboard", null).statusCode()).isEqualTo(401);
        assertThat(gw.send("GET", "/v1/ops/instances", null).statusCode()).isEqualTo(401);
        assertThat(gw.send("GET", "/v1/ops/dashboard", null, READER).statusCode()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"/v1/ops/instances?limit=100000, limit", "/v1/ops/instances?limit=0, limit",
            "/v1/ops/instances?offset=-1, offset", "/v1/ops/instances?offset=x, offset",
            "/v1/ops/instances?state=asleep, state", "/v1/ops/dashboard?after=-5, after",
            "/v1/ops/dashboard?after=1e999, after"})
    void badQueryParametersAre400NamingTheField(String path, String field) {
        HttpResponse<byte[]> bad = gw.send("GET", path, null, READER);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).get("errors").get(0).get("code").asText()).isEqualTo("invalid_field");
        assertThat(json(bad).get("errors").get(0).get("message").asText()).startsWith(field + " must");
    }

    @Test
    void aFilterOfAnyTextIsAnsweredAndBounded() {
        for (String q : new String[] {"%00", "%F0%9F%92%A5", "%22%3C%3E", "a".repeat(2000), "CLAIMED"}) {
            HttpResponse<byte[]> r = gw.send("GET", "/v1/ops/instances?limit=5&q=" + q, null, READER);
            assertThat(r.statusCode()).as(q).isEqualTo(200);
            assertThat(json(r).get("result").get("instances").size()).isLessThanOrEqualTo(5);
        }
    }

    @Test
    void theDashboardShowsEachRegionAClaimAsItHappensAFallbackAndADrain() {
        try (Page page = new Page()) {
            assertThat(page.run("open").get("loginShown").asBoolean()).as("a key is asked for").isTrue();
            page.run("login reader-key");
            assertThat(page.run("regions 2").get("regions").toString()).contains("weur", "enam");

            assertThat(gw.send("POST", "/v1/sessions", "{\"location\":\"CDG\",\"sessionId\":\"dash-1\"}", ACME)
                    .statusCode()).isEqualTo(201);
            JsonNode claimed = page.run("session dash-1");
            assertThat(claimed.get("ms").asLong()).as("seen claimed within seconds").isLessThan(10_000);
            assertThat(claimed.get("instance").asText())
                    .isEqualTo(json(gw.send("GET", "/v1/sessions/dash-1", null, ACME)).get("instanceId").asText());

            JsonNode second = json(gw.send("POST", "/v1/sessions", "{\"location\":\"CDG\",\"sessionId\":\"dash-2\"}", ACME));
            assertThat(second.get("fallback").asBoolean()).as("weur is full (maxSize 1)").isTrue();
            assertThat(page.run("fallback weur").get("to").asText()).isEqualTo("enam");

            assertThat(gw.send("POST", "/v1/ops/drain", "{\"region\":\"enam\"}", ACME).statusCode()).isEqualTo(200);
            page.run("drained enam");

            assertThat(page.run("errors").get("errors")).as("no page errors").isEmpty();
        } finally {
            gw.send("DELETE", "/v1/sessions/dash-1", null, ACME);
            gw.send("DELETE", "/v1/sessions/dash-2", null, ACME);
            gw.send("POST", "/v1/ops/undrain", "{\"region\":\"enam\"}", ACME);
        }
    }

    @Test
    void aThousandInstancesRenderWithoutFreezingThePage() {
        insertBulk();
        try (Page page = new Page()) {
            page.run("open");
            page.run("login reader-key");
            page.run("regions 2");
            JsonNode listed = page.run("instances " + BULK);
            assertThat(listed.get("rowsInDom").asInt()).as("only the rows in view are drawn").isLessThan(100);

            JsonNode scrolled = page.run("responsive 40");
            assertThat(scrolled.get("worstMs").asLong()).as("the page answers while scrolling 1,000 rows")
                    .isLessThan(1_000);
            assertThat(page.run("filter bulk-agent-3").get("rows").asInt()).isPositive();
            page.run("unfilter");
            page.run("screenshot " + Path.of("target/dashboard.png").toAbsolutePath());
            assertThat(page.run("errors").get("errors")).as("no page errors").isEmpty();
        }
    }

    /** 1,000 rows of a pool the gateway does not run, written into the weur shard beside the gateway's own. */
    private static void insertBulk() {
        Instant now = Instant.now();
        try (SqliteInstanceStore store = SqliteInstanceStore.open(dir.resolve("weur.db"))) {
            for (int i = 0; i < BULK; i++) {
                InstanceState state = i % 10 < 7 ? InstanceState.WARM : i % 10 < 9 ? InstanceState.CLAIMED
                        : InstanceState.STARTING;
                boolean claimed = state == InstanceState.CLAIMED;
                store.insert(new Instance("bulk-%04d".formatted(i), "weur", "bulk", i % 2 == 0 ? "weur-a" : "weur-b",
                        "bulk-agent-" + i % 8, "1", state, claimed ? "acme/bulk-session-" + i : null, null, null, i % 7,
                        now.minusSeconds(i), now, claimed ? now : null, claimed ? now.plusSeconds(3600) : null,
                        claimed ? 60_000 : 0, now.plusSeconds(3600)));
            }
        }
    }
}
