package io.warmpool.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.warmpool.core.PoolSettings;
import io.warmpool.quick.ServerTiming;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.warmpool.server.TestGateway.await;
import static io.warmpool.server.TestGateway.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The v1 HTTP API end to end: a real gateway, real agents, real Chromium, local pages. */
class GatewayHttpTest {
    @TempDir
    static Path dir;
    static TestGateway gw;
    static TestPages pages;

    @BeforeAll
    static void start() {
        pages = new TestPages(Map.of(
                "/hello", "<!doctype html><html><body><h1>Hello from warmpool</h1></body></html>",
                "/late", "<!doctype html><html><body><p>waiting</p><script>setTimeout(() => {"
                        + " const d = document.createElement('div'); d.id = 'late'; d.textContent = 'arrived late';"
                        + " document.body.appendChild(d); }, 300);</script></body></html>"));
        gw = TestGateway.warm(dir, PoolSettings.builder("browser").minIdle(2).maxSize(4)
                .acquireTimeout(Duration.ofSeconds(20)).build(), c -> c, Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.closeLeavingNoOrphans();
        }
        pages.close();
    }

    @Test
    void aSessionIsServedWarmInTheCallersRegionAndIsSticky() {
        // another test's sessions may have just been released there: their instances are reset before they are warm
        assertThat(await(Duration.ofSeconds(30), () -> gw.pool("enam").get("warm").asInt() >= 1)).isTrue();
        HttpResponse<byte[]> created = gw.send("POST", "/v1/sessions",
                "{\"pool\":\"browser\",\"location\":\"JFK\",\"sessionId\":\"sticky-1\",\"keepAlive\":\"PT60S\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode s = json(created);
        assertThat(s.get("region").asText()).isEqualTo("enam");
        assertThat(s.get("warm").asBoolean()).isTrue();
        assertThat(s.get("fallback").asBoolean()).isFalse();
        assertThat(s.get("webSocketDebuggerUrl").asText()).startsWith("ws://").contains("/v1/sessions/sticky-1/devtools");
        assertThat(s.get("expiresAt").asText()).isNotEmpty();

        HttpResponse<byte[]> again = gw.send("POST", "/v1/sessions", "{\"sessionId\":\"sticky-1\"}");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json(again).get("instanceId").asText()).isEqualTo(s.get("instanceId").asText());

        assertThat(json(gw.send("GET", "/v1/sessions/sticky-1", null)).get("instanceId").asText())
                .isEqualTo(s.get("instanceId").asText());
        assertThat(json(gw.send("GET", "/v1/sessions", null)).get("result").toString()).contains("sticky-1");

        assertThat(gw.send("DELETE", "/v1/sessions/sticky-1", null).statusCode()).isEqualTo(204);
        assertThat(gw.send("DELETE", "/v1/sessions/sticky-1", null).statusCode()).isEqualTo(204);
        assertThat(gw.send("GET", "/v1/sessions/sticky-1", null).statusCode()).isEqualTo(404);
    }

    @Test
    void theLocationHeaderPicksTheRegionAndNoLocationMeansTheDefault() {
        JsonNode byHeader = json(gw.send("POST", "/v1/sessions", "{}", "X-Warmpool-Location", "ORD"));
        JsonNode byDefault = json(gw.send("POST", "/v1/sessions", "{}"));
        assertThat(byHeader.get("region").asText()).isEqualTo("enam");
        assertThat(byDefault.get("region").asText()).isEqualTo("weur");
        gw.send("DELETE", "/v1/sessions/" + byHeader.get("sessionId").asText(), null);
        gw.send("DELETE", "/v1/sessions/" + byDefault.get("sessionId").asText(), null);
    }

    @Test
    void aScreenshotIsAPngOfTheRequestedViewport() {
        HttpResponse<byte[]> r = gw.send("POST", "/v1/quick/screenshot",
                "{\"url\":\"" + pages.url("/hello") + "\",\"viewport\":{\"width\":640,\"height\":360}}",
                "X-Warmpool-Location", "LHR");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("image/png"));
        assertThat(r.headers().firstValue("X-Warmpool-Region")).hasValue("weur");
        assertThat(r.headers().firstValue("X-Warmpool-Instance")).isPresent();
        assertThat(r.headers().firstValue("X-Browser-Ms-Used")).isPresent();
        ByteBuffer png = ByteBuffer.wrap(r.body());
        assertThat(png.getLong(0)).as("PNG signature").isEqualTo(0x89504E470D0A1A0AL);
        assertThat(png.getInt(16)).as("width").isEqualTo(640);
        assertThat(png.getInt(20)).as("height").isEqualTo(360);
    }

    @Test
    void aQuickActionSaysWhereItsTimeWentInServerTiming() {
        HttpResponse<byte[]> r = gw.send("POST", "/v1/quick/content", "{\"url\":\"" + pages.url("/hello") + "\"}");

        assertThat(r.statusCode()).isEqualTo(200);
        String timing = r.headers().firstValue("Server-Timing").orElseThrow();
        double claim = ServerTiming.millis(timing, "claim");
        double agent = ServerTiming.millis(timing, "agent");
        double release = ServerTiming.millis(timing, "release");
        double gateway = ServerTiming.millis(timing, "gateway");
        double browser = ServerTiming.millis(timing, "browser");
        assertThat(List.of(claim, agent, release, gateway, browser)).as(timing).allSatisfy(ms -> assertThat(ms).isPositive());
        assertThat(gateway).as("the gateway's part holds its claim and release").isGreaterThanOrEqualTo(claim + release - 0.002);
        assertThat(agent).as("the call to the agent holds the agent's time in the browser").isGreaterThanOrEqualTo(browser);
        assertThat(browser).as("the same time as X-Browser-Ms-Used, finer").isCloseTo(
                Double.parseDouble(r.headers().firstValue("X-Browser-Ms-Used").orElseThrow()), within(1.0));
    }

    @Test
    void aPdfStartsWithItsMagic() {
        HttpResponse<byte[]> r = gw.send("POST", "/v1/quick/pdf", "{\"html\":\"<h1>PDF please</h1>\","
                + "\"pdfOptions\":{\"format\":\"a4\",\"printBackground\":true}}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/pdf"));
        assertThat(new String(r.body(), 0, 4, StandardCharsets.US_ASCII)).isEqualTo("%PDF");
    }

    @Test
    void contentHasThePagesTextAndWaitForSelectorWaitsForAScriptedElement() {
        JsonNode hello = json(gw.send("POST", "/v1/quick/content", "{\"url\":\"" + pages.url("/hello") + "\"}"));
        assertThat(hello.get("success").asBoolean()).isTrue();
        assertThat(hello.get("result").asText()).contains("Hello from warmpool");

        JsonNode late = json(gw.send("POST", "/v1/quick/content", "{\"url\":\"" + pages.url("/late")
                + "\",\"waitForSelector\":{\"selector\":\"#late\",\"timeout\":5000}}"));
        assertThat(late.get("result").asText()).contains("arrived late");
    }

    @Test
    void aBurstBeyondTheWarmSetIsServedColdOrByTheBackupAndThePoolRefills() {
        assertThat(await(Duration.ofSeconds(30), () -> gw.pool("weur").get("warm").asInt() >= 2)).isTrue();
        List<JsonNode> leases = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                HttpResponse<byte[]> r = gw.send("POST", "/v1/sessions", "{\"location\":\"CDG\",\"sessionId\":\"burst-" + i + "\"}");
                assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(201);
                leases.add(json(r));
            }
            assertThat(leases.stream().map(l -> l.get("instanceId").asText())).doesNotHaveDuplicates();
            assertThat(leases.subList(0, 2)).allSatisfy(l -> assertThat(l.get("warm").asBoolean()).isTrue());
            assertThat(leases.stream().filter(l -> l.get("region").asText().equals("weur")))
                    .as("weur never exceeds maxSize").hasSizeLessThanOrEqualTo(4);
            assertThat(leases).as("beyond weur's maxSize, callers are served warm by its backup")
                    .anySatisfy(l -> assertThat(l.get("fallback").asBoolean()).isTrue());
            assertThat(leases).allSatisfy(l -> assertThat(l.get("fallback").asBoolean())
                    .isEqualTo(!l.get("region").asText().equals("weur")));
        } finally {
            for (int i = 0; i < 6; i++) {
                gw.send("DELETE", "/v1/sessions/burst-" + i, null);
            }
        }
        assertThat(await(Duration.ofSeconds(30), () -> gw.pool("weur").get("warm").asInt() >= 2)).isTrue();
        JsonNode weur = json(gw.send("GET", "/v1/regions", null)).get("result");
        assertThat(weur.toString()).contains("\"exhausted\"");
    }

    static Stream<Arguments> badInputs() {
        return Stream.of(
                Arguments.of("/v1/sessions", "{not json", "malformed_json", null),
                Arguments.of("/v1/sessions", "[1,2]", "malformed_json", null),
                Arguments.of("/v1/sessions", "{\"pool\":\"browser\",\"colour\":\"red\"}", "unknown_field", "colour"),
                Arguments.of("/v1/sessions", "{\"pool\":\"nope\"}", "unknown_pool", "pool"),
                Arguments.of("/v1/sessions", "{\"location\":\"XXX\"}", "unknown_location", "location"),
                Arguments.of("/v1/sessions", "{\"location\":\"London\"}", "invalid_location", "location"),
                Arguments.of("/v1/sessions", "{\"keepAlive\":\"forever\"}", "invalid_field", "keepAlive"),
                Arguments.of("/v1/sessions", "{\"keepAlive\":\"PT100H\"}", "invalid_field", "keepAlive"),
                Arguments.of("/v1/sessions", "{\"sessionId\":\"a b\"}", "invalid_field", "sessionId"),
                Arguments.of("/v1/sessions", "{\"pool\":5}", "invalid_field", "pool"),
                Arguments.of("/v1/quick/screenshot", "{}", "invalid_field", "url"),
                Arguments.of("/v1/quick/screenshot", "{\"url\":\"http://a.example\",\"html\":\"<p>\"}", "invalid_field", "url"),
                Arguments.of("/v1/quick/screenshot", "{\"url\":\"ftp://a.example/x\"}", "invalid_field", "url"),
                Arguments.of("/v1/quick/screenshot", "{\"html\":\"x\",\"viewport\":{\"width\":0}}", "invalid_field", "viewport.width"),
                Arguments.of("/v1/quick/screenshot", "{\"html\":\"x\",\"viewport\":{\"width\":\"wide\"}}", "invalid_field", "viewport.width"),
                Arguments.of("/v1/quick/screenshot", "{\"html\":\"x\",\"gotoOptions\":{\"waitUntil\":\"never\"}}", "invalid_field", "gotoOptions.waitUntil"),
                Arguments.of("/v1/quick/screenshot", "{\"html\":\"x\",\"gotoOptions\":{\"timeout\":999999}}", "invalid_field", "gotoOptions.timeout"),
                Arguments.of("/v1/quick/screenshot", "{\"html\":\"x\",\"screenshotOptions\":{\"type\":\"gif\"}}", "invalid_field", "screenshotOptions.type"),
                Arguments.of("/v1/quick/screenshot", "{\"html\":\"x\",\"screenshotOptions\":{\"type\":\"jpeg\",\"quality\":101}}", "invalid_field", "screenshotOptions.quality"),
                Arguments.of("/v1/quick/screenshot", "{\"html\":\"x\",\"waitForSelector\":{\"selector\":\"\"}}", "invalid_field", "waitForSelector.selector"),
                Arguments.of("/v1/quick/screenshot", "{\"html\":\"x\",\"pdfOptions\":{}}", "invalid_field", "pdfOptions"),
                Arguments.of("/v1/quick/pdf", "{\"html\":\"x\",\"pdfOptions\":{\"format\":\"napkin\"}}", "invalid_field", "pdfOptions.format"),
                Arguments.of("/v1/quick/content", "{\"html\":\"x\",\"extra\":1}", "unknown_field", "extra"),
                Arguments.of("/v1/quick/teleport", "{\"html\":\"x\"}", "unknown_action", "action"),
                Arguments.of("/v1/quick/content?pool=nope", "{\"html\":\"x\"}", "unknown_pool", "pool"));
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @MethodSource("badInputs")
    void badInputGetsA400NamingTheField(String path, String body, String code, String field) {
        HttpResponse<byte[]> r = gw.send("POST", path, body);

        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(400);
        JsonNode error = json(r).get("errors").get(0);
        assertThat(json(r).get("success").asBoolean()).isFalse();
        assertThat(error.get("code").asText()).isEqualTo(code);
        assertThat(error.get("message").asText()).isNotBlank().doesNotContain("Exception").doesNotContain("at io.");
        if (field != null) {
            assertThat(error.get("field").asText()).isEqualTo(field);
        }
        assertThat(json(gw.send("GET", "/v1/sessions", null)).get("result")).as("no session left behind").isEmpty();
    }

    @Test
    void poolsReportTheirWarmTargetAndWhatWarmthCost() {
        assertThat(await(Duration.ofSeconds(30), () -> gw.pool("weur").get("idleInstanceSecondsLastHour").asDouble() > 0))
                .as("idle instance-seconds accrue while instances wait").isTrue();
        JsonNode p = gw.pool("weur");
        assertThat(p.get("sizing").asText()).as("adaptive by default").isEqualTo("adaptive");
        assertThat(p.get("target").asInt()).as("never below minIdle, never above maxSize")
                .isBetween(p.get("minIdle").asInt(), p.get("maxSize").asInt());
        assertThat(p.get("minIdle").asInt()).isEqualTo(2);
        assertThat(p.has("warmHitRateLastHour")).isTrue();
    }

    @Test
    void anOversizedBodyIsRefusedWith413() {
        String big = "{\"html\":\"" + "x".repeat(2_000_000) + "\"}";
        HttpResponse<byte[]> r = gw.send("POST", "/v1/quick/content", big);
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(json(r).get("errors").get(0).get("code").asText()).isEqualTo("body_too_large");
    }

    @Test
    void unknownEndpointsAndSessionsAnswerWithTheEnvelope() {
        HttpResponse<byte[]> r = gw.send("GET", "/v1/nothing", null);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(json(r).get("errors").get(0).get("code").asText()).isEqualTo("not_found");
        HttpResponse<byte[]> s = gw.send("GET", "/v1/sessions/never-was", null);
        assertThat(s.statusCode()).isEqualTo(404);
        assertThat(json(s).get("errors").get(0).get("code").asText()).isEqualTo("session_not_found");
    }
}
