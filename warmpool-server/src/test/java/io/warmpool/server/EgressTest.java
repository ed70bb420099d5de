package io.warmpool.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.warmpool.core.PoolSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.warmpool.server.TestGateway.await;
import static io.warmpool.server.TestGateway.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Through the gateway, with the default egress policy (no allow-list): pages cannot reach loopback, private or
 * link-local addresses, whatever the name or form; and a CDP session cannot give a context a proxy of its own.
 */
class EgressTest {
    @TempDir
    static Path dir;
    static TestGateway gw;
    static TestPages pages;

    @BeforeAll
    static void start() {
        pages = new TestPages(Map.of("/inside", "<!doctype html><p>secret inside page</p>"));
        gw = new TestGateway(dir, PoolSettings.builder("browser").minIdle(1).maxSize(2).build(),
                c -> c.withEgressAllow(List.of()));
        assertThat(await(Duration.ofSeconds(60), () -> gw.pool("weur").get("warm").asInt() >= 1)).isTrue();
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
        pages.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http://127.0.0.1:%d/inside", "http://localhost:%d/inside", "http://[::1]:%d/inside",
            "http://0.0.0.0:%d/inside", "http://[::ffff:127.0.0.1]:%d/inside", "http://169.254.169.254/latest/meta-data",
            "http://10.0.0.1:%d/", "http://192.168.1.1/"})
    void aBlockedTopLevelUrlIs400BlockedUrl(String template) {
        int port = Integer.parseInt(pages.url("/").replaceAll(".*:(\\d+)/.*", "$1"));
        String url = template.contains("%d") ? template.formatted(port) : template;

        HttpResponse<byte[]> r = gw.send("POST", "/v1/quick/content", "{\"url\":\"" + url + "\"}");

        String body = new String(r.body(), StandardCharsets.UTF_8);
        assertThat(r.statusCode()).as(url + " -> " + body).isEqualTo(400);
        assertThat(json(r).get("errors").get(0).get("code").asText()).isEqualTo("blocked_url");
        assertThat(body).doesNotContain("secret inside page");
    }

    @Test
    void aSessionCannotGiveAContextItsOwnProxy() {
        String ws = json(gw.send("POST", "/v1/sessions", "{\"sessionId\":\"px-1\"}")).get("webSocketDebuggerUrl").asText();
        double blocked = blockedByTheCdpGuard();
        try (CdpClient cdp = new CdpClient(ws)) {
            JsonNode refused = cdp.call(1, "Target.createBrowserContext", "{\"proxyServer\":\"direct://\"}");
            assertThat(refused.get("error").get("message").asText()).contains("proxyServer");
            assertThat(blockedByTheCdpGuard()).as("warmpool_egress_blocked_total{reason=cdp}").isEqualTo(blocked + 1);
            JsonNode plain = cdp.call(2, "Target.createBrowserContext", "{}");
            assertThat(plain.get("result").get("browserContextId").asText()).isNotEmpty();
        } finally {
            gw.send("DELETE", "/v1/sessions/px-1", null);
        }
    }

    private static double blockedByTheCdpGuard() {
        return PromText.value(new String(gw.send("GET", "/metrics", null).body(), StandardCharsets.UTF_8),
                "warmpool_egress_blocked_total", "reason", "cdp");
    }
}
