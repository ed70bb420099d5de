package io.warmpool.server;

import io.warmpool.core.PoolSettings;
import io.warmpool.quick.PageDefaults;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.warmpool.server.TestGateway.await;
import static io.warmpool.server.TestGateway.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pool's {@code pageDefaults} replace Cloudflare's defaults and bounds on our {@code /v1/quick} paths, on
 * Cloudflare's paths and for crawl pages alike (one real gateway, real Chromium).
 */
class PoolPageDefaultsTest {
    @TempDir
    static Path dir;
    static TestGateway gw;

    @BeforeAll
    static void start() {
        PageDefaults pool = new PageDefaults(Duration.ofSeconds(10), Duration.ofSeconds(90), "load", 640, 360,
                Duration.ofSeconds(5), Duration.ofSeconds(20));
        gw = new TestGateway(dir, PoolSettings.builder("browser").minIdle(1).maxSize(2).pageDefaults(pool).build());
        assertThat(await(Duration.ofSeconds(180), () -> gw.pool("weur").get("warm").asInt() >= 1)).isTrue();
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    @Test
    void thePoolsDefaultsAndBoundsApplyOnEverySetOfPaths() {
        for (String path : List.of("/v1/quick/screenshot", "/client/v4/accounts/a/browser-rendering/screenshot",
                "/accounts/a/browser-run/screenshot")) {
            HttpResponse<byte[]> plain = gw.send("POST", path, "{\"html\":\"<h1>pool</h1>\"}");
            assertThat(plain.statusCode()).as(path + " " + text(plain)).isEqualTo(200);
            ByteBuffer png = ByteBuffer.wrap(plain.body());
            assertThat(new int[]{png.getInt(16), png.getInt(20)}).as(path + ": the pool's viewport")
                    .containsExactly(640, 360);

            HttpResponse<byte[]> far = gw.send("POST", path, "{\"html\":\"<h1>pool</h1>\",\"gotoOptions\":{\"timeout\":90000},"
                    + "\"waitForTimeout\":1}");
            assertThat(far.statusCode()).as(path + ": 90 s is within the pool's bound, past Cloudflare's " + text(far))
                    .isEqualTo(200);
            assertField(gw.send("POST", path, "{\"html\":\"<h1>pool</h1>\",\"gotoOptions\":{\"timeout\":90001}}"),
                    "gotoOptions.timeout");
            assertField(gw.send("POST", path, "{\"html\":\"<h1>pool</h1>\",\"actionTimeout\":20001}"), "actionTimeout");
        }
        assertField(gw.send("POST", "/v1/crawl", "{\"url\":\"http://127.0.0.1:9/\",\"gotoOptions\":{\"timeout\":90001}}"),
                "gotoOptions.timeout");
    }

    private static void assertField(HttpResponse<byte[]> r, String field) {
        assertThat(r.statusCode()).as(text(r)).isEqualTo(400);
        assertThat(json(r).get("errors").get(0).get("field").asText()).isEqualTo(field);
    }

    private static String text(HttpResponse<byte[]> r) {
        return r.statusCode() + " " + new String(r.body(), 0, Math.min(r.body().length, 300), StandardCharsets.UTF_8);
    }
}
