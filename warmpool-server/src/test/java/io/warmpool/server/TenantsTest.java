package io.warmpool.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.warmpool.ConfigException;
import io.warmpool.core.PoolSettings;
import io.warmpool.server.config.AuthSettings;
import io.warmpool.server.config.GatewayConfig;
import io.warmpool.server.http.KeyHash;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.warmpool.server.TestGateway.await;
import static io.warmpool.server.TestGateway.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** API keys, tenant isolation, and each per-tenant limit, against a real gateway. */
class TenantsTest {
    static final String ACME = "Bearer acme-key-1";
    static final String GLOBEX = "Bearer globex-key-1";
    static final String INITECH = "Bearer initech-key-1";

    @TempDir
    static Path dir;
    static TestGateway gw;

    @BeforeAll
    static void start() {
        AuthSettings auth = new AuthSettings(false, Map.of(
                "acme", new AuthSettings.Tenant("acme", List.of(KeyHash.of("acme-key-1")), new AuthSettings.Limits(2, 100, 100)),
                "globex", new AuthSettings.Tenant("globex", List.of(KeyHash.of("globex-key-1")), new AuthSettings.Limits(5, 100, 100)),
                "initech", new AuthSettings.Tenant("initech", List.of(KeyHash.of("initech-key-1")), new AuthSettings.Limits(5, 3, 2))),
                AuthSettings.Limits.DEFAULT);
        gw = new TestGateway(dir, PoolSettings.builder("browser").minIdle(2).maxSize(4).build(),
                c -> c.withAuth(auth, "127.0.0.1"));
        assertThat(await(Duration.ofSeconds(60), () -> json(gw.send("GET", "/v1/pools", null, "Authorization", ACME))
                .get("result").get(0).get("warm").asInt() >= 2)).isTrue();
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    private static String code(HttpResponse<byte[]> r) {
        return json(r).get("errors").get(0).get("code").asText();
    }

    @Test
    void everyEndpointButHealthNeedsAValidKey() {
        for (String[] call : new String[][]{{"POST", "/v1/sessions", "{}"}, {"GET", "/v1/sessions", null},
                {"GET", "/v1/sessions/x", null}, {"DELETE", "/v1/sessions/x", null}, {"GET", "/v1/pools", null},
                {"GET", "/v1/regions", null}, {"POST", "/v1/quick/content", "{\"html\":\"x\"}"},
                {"GET", "/v1/sessions/x/json/version", null}}) {
            HttpResponse<byte[]> none = gw.send(call[0], call[1], call[2]);
            assertThat(none.statusCode()).as(call[0] + " " + call[1]).isEqualTo(401);
            assertThat(code(none)).isEqualTo("unauthorized");
            assertThat(none.headers().firstValue("WWW-Authenticate")).isPresent();
            HttpResponse<byte[]> wrong = gw.send(call[0], call[1], call[2], "Authorization", "Bearer nope");
            assertThat(wrong.statusCode()).as(call[0] + " " + call[1] + " with a wrong key").isEqualTo(401);
        }
        assertThat(gw.send("GET", "/healthz", null).statusCode()).isEqualTo(200);
    }

    @Test
    void anotherTenantsSessionIsUnknownNotForbidden() {
        HttpResponse<byte[]> mine = gw.send("POST", "/v1/sessions", "{\"sessionId\":\"shared-name\"}", "Authorization", ACME);
        assertThat(mine.statusCode()).isEqualTo(201);
        try {
            assertThat(gw.send("GET", "/v1/sessions/shared-name", null, "Authorization", GLOBEX).statusCode()).isEqualTo(404);
            assertThat(json(gw.send("GET", "/v1/sessions", null, "Authorization", GLOBEX)).get("result")).isEmpty();
            assertThat(gw.send("DELETE", "/v1/sessions/shared-name", null, "Authorization", GLOBEX).statusCode()).isEqualTo(204);
            assertThat(gw.send("GET", "/v1/sessions/shared-name", null, "Authorization", ACME).statusCode())
                    .as("globex's delete did not touch acme's session").isEqualTo(200);

            HttpResponse<byte[]> theirs = gw.send("POST", "/v1/sessions", "{\"sessionId\":\"shared-name\"}", "Authorization", GLOBEX);
            assertThat(theirs.statusCode()).as("the same name is a different session for another tenant").isEqualTo(201);
            assertThat(json(theirs).get("instanceId").asText()).isNotEqualTo(json(mine).get("instanceId").asText());
            gw.send("DELETE", "/v1/sessions/shared-name", null, "Authorization", GLOBEX);
        } finally {
            gw.send("DELETE", "/v1/sessions/shared-name", null, "Authorization", ACME);
        }
    }

    @Test
    void theCdpSocketNeedsThatSessionsOwnToken() {
        String url = json(gw.send("POST", "/v1/sessions", "{\"sessionId\":\"tok-1\"}", "Authorization", ACME))
                .get("webSocketDebuggerUrl").asText();
        try {
            assertThat(url).contains("?token=acme.");
            String other = json(gw.send("POST", "/v1/sessions", "{\"sessionId\":\"tok-2\"}", "Authorization", ACME))
                    .get("webSocketDebuggerUrl").asText();
            String otherToken = other.substring(other.indexOf("?token="));
            String bare = url.substring(0, url.indexOf('?'));

            assertThat(CdpClient.handshakeStatus(bare)).as("no token").isEqualTo(404);
            assertThat(CdpClient.handshakeStatus(bare + otherToken)).as("another session's token").isEqualTo(404);
            assertThat(CdpClient.handshakeStatus(bare + "?token=globex.AAAA")).as("a forged token").isEqualTo(404);
            assertThat(CdpClient.handshakeStatus(url)).isEqualTo(101);
        } finally {
            gw.send("DELETE", "/v1/sessions/tok-1", null, "Authorization", ACME);
            gw.send("DELETE", "/v1/sessions/tok-2", null, "Authorization", ACME);
        }
    }

    @Test
    void eachLimitAnswers429WithRetryAfterAndItsName() throws Exception {
        // acme: at most 2 sessions at once
        gw.send("POST", "/v1/sessions", "{\"sessionId\":\"c1\"}", "Authorization", ACME);
        gw.send("POST", "/v1/sessions", "{\"sessionId\":\"c2\"}", "Authorization", ACME);
        try {
            HttpResponse<byte[]> third = gw.send("POST", "/v1/sessions", "{\"sessionId\":\"c3\"}", "Authorization", ACME);
            assertThat(third.statusCode()).isEqualTo(429);
            assertThat(code(third)).isEqualTo("rate_limited");
            assertThat(third.headers().firstValue("X-Warmpool-Limit")).hasValue("maxSessions");
            assertThat(third.headers().firstValue("Retry-After")).isPresent();
            assertThat(gw.send("POST", "/v1/sessions", "{\"sessionId\":\"c1\"}", "Authorization", ACME).statusCode())
                    .as("re-acquiring a held session is not a new one").isEqualTo(200);
        } finally {
            gw.send("DELETE", "/v1/sessions/c1", null, "Authorization", ACME);
            gw.send("DELETE", "/v1/sessions/c2", null, "Authorization", ACME);
        }
        // initech: 3 new sessions per minute
        int limited = 0;
        for (int i = 0; i < 5; i++) {
            HttpResponse<byte[]> r = gw.send("POST", "/v1/sessions", "{\"sessionId\":\"r" + i + "\"}", "Authorization", INITECH);
            if (r.statusCode() == 429) {
                limited++;
                assertThat(r.headers().firstValue("X-Warmpool-Limit")).hasValue("sessionsPerMinute");
                assertThat(Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 60L);
            }
            gw.send("DELETE", "/v1/sessions/r" + i, null, "Authorization", INITECH);
        }
        assertThat(limited).isEqualTo(2);
        // initech: 2 quick actions per second; every request counts, so bodies that fail fast show it without browsers
        // sent at once, so that a slow machine cannot spread them over the refill of the bucket
        List<HttpResponse<byte[]>> answers;
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<HttpResponse<byte[]>>> sent = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                sent.add(callers.submit(() -> gw.send("POST", "/v1/quick/content", "{}", "Authorization", INITECH)));
            }
            answers = new ArrayList<>();
            for (Future<HttpResponse<byte[]>> f : sent) {
                answers.add(f.get());
            }
        }
        int quickLimited = 0;
        for (HttpResponse<byte[]> r : answers) {
            if (r.statusCode() == 429) {
                quickLimited++;
                assertThat(r.headers().firstValue("X-Warmpool-Limit")).hasValue("quickPerSecond");
            }
        }
        assertThat(quickLimited).isGreaterThanOrEqualTo(3);
    }

    @Test
    void bindingBeyondLoopbackWithoutKeysRefusesToStart() {
        GatewayConfig demo = GatewayConfig.demo(dir, TestGateway.CHROMIUM, 0);
        assertThatThrownBy(() -> demo.withAuth(AuthSettings.NONE, "0.0.0.0")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("refusing to serve 0.0.0.0 without API keys");
        assertThat(Main.run(new String[]{"up", "--config", write("{\"bind\":\"0.0.0.0\"}").toString(),
                "--data-dir", dir.resolve("refused").toString()})).isEqualTo(2);
    }

    private static Path write(String json) {
        try {
            Path p = java.nio.file.Files.createTempFile(dir, "config", ".json");
            java.nio.file.Files.writeString(p, json);
            return p;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
