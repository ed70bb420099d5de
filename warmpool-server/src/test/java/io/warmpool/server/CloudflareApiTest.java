package io.warmpool.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.warmpool.core.PoolSettings;
import io.warmpool.server.config.AiSettings;
import io.warmpool.server.config.AuthSettings;
import io.warmpool.server.http.KeyHash;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.warmpool.server.TestGateway.await;
import static io.warmpool.server.TestGateway.json;
import static org.assertj.core.api.Assertions.assertThat;

/** The official Cloudflare SDK, with only its base URL changed, against a real gateway; and the raw paths. */
class CloudflareApiTest {
    static final String HOME = "<!doctype html><html><head><title>Home</title></head><body><h1>Welcome home</h1>"
            + "<p>Some <b>bold</b> text.</p><a href='/about'>About</a> <a href='https://example.com/out'>Out</a>"
            + "<a href='/hidden' style='display:none'>Hidden</a></body></html>";
    static final String BULK = "bulk-key-1";
    static final String TINY = "tiny-key-1";

    @TempDir
    static Path dir;
    static TestGateway gw;
    static TestPages pages;
    static FakeModel model;

    @BeforeAll
    static void start() {
        pages = new TestPages(Map.of("/home", HOME, "/about", "<h1>About</h1>"));
        model = new FakeModel();
        AuthSettings auth = new AuthSettings(false, Map.of(
                "bulk", new AuthSettings.Tenant("bulk", List.of(KeyHash.of(BULK)), new AuthSettings.Limits(5, 100, 100)),
                "tiny", new AuthSettings.Tenant("tiny", List.of(KeyHash.of(TINY)), new AuthSettings.Limits(5, 100, 1))),
                AuthSettings.Limits.DEFAULT);
        gw = new TestGateway(dir, PoolSettings.builder("browser").minIdle(2).maxSize(4).build(),
                c -> c.withAuth(auth, "127.0.0.1").withAi(new AiSettings(URI.create(model.endpoint()), "model-key",
                        "tiny-model", Duration.ofSeconds(20))));
        assertThat(await(Duration.ofSeconds(180), () -> json(gw.send("GET", "/v1/pools", null, "Authorization",
                "Bearer " + BULK)).get("result").get(0).get("warm").asInt() >= 2)).isTrue();
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
            assertThat(gw.browserProcesses()).isZero();
        }
        pages.close();
        model.close();
    }

    private static String base(String prefix) {
        return gw.gateway.url() + prefix;
    }

    @Test
    void everyActionWorksThroughTheSdkWithEitherBaseUrl() {
        for (String prefix : List.of("/client/v4", "")) {
            JsonNode r = NodeScript.run("cloudflare-sdk.js", "actions", base(prefix), BULK, pages.url("/home"));

            assertThat(r.get("content").asText()).as(prefix).startsWith("<!DOCTYPE html>").contains("Welcome home");
            assertThat(r.get("markdown").asText()).contains("# Welcome home").contains("**bold**");
            assertThat(r.get("links")).extracting(JsonNode::asText)
                    .contains(pages.url("/about"), "https://example.com/out").doesNotContain(pages.url("/hidden"));
            assertThat(r.get("scrape").get(0).get("selector").asText()).isEqualTo("h1");
            JsonNode h1 = r.get("scrape").get(0).get("results").get(0);
            assertThat(h1.get("text").asText()).isEqualTo("Welcome home");
            assertThat(h1.get("width").asDouble()).isPositive();
            assertThat(r.get("scrape").get(1).get("results")).hasSize(3);
            assertThat(r.get("scrape").get(1).get("results").get(0).get("attributes").get(0).get("name").asText())
                    .isEqualTo("href");
            assertThat(r.get("snapshot").get("content").asText()).contains("Welcome home");
            assertThat(r.get("snapshot").get("screenshotBytes").asInt()).isGreaterThan(1000);
            assertThat(r.get("screenshot").get("status").asInt()).isEqualTo(200);
            assertThat(r.get("screenshot").get("type").asText()).isEqualTo("image/png");
            assertThat(r.get("screenshot").get("magic").asText()).isEqualTo("\u0089PNG");
            assertThat(r.get("screenshot").get("ms").asText()).isNotEmpty();
            assertThat(r.get("pdf").get("type").asText()).isEqualTo("application/pdf");
            assertThat(r.get("pdf").get("magic").asText()).isEqualTo("%PDF");
            assertThat(r.get("base64").get("kind").asText()).as("encoding base64 resolves to a string").isEqualTo("string");
            assertThat(r.get("base64").get("jpeg").asText()).as("the base64 of a JPEG").isEqualTo("ffd8");
            assertThat(r.get("base64").get("bytes").asInt()).isGreaterThan(100);
        }
    }

    @Test
    void theSdkGetsATypedBadRequestForABadBody() {
        JsonNode r = NodeScript.run("cloudflare-sdk.js", "bad-request", base("/client/v4"), BULK, pages.url("/home"));

        assertThat(r.get("thrown").asBoolean()).isTrue();
        assertThat(r.get("badRequest").asBoolean()).isTrue();
        assertThat(r.get("status").asInt()).isEqualTo(400);
        assertThat(r.get("message").asText()).contains("url");
    }

    @Test
    void theSdkGetsATypedRateLimitAndItsRetryWaitsForRetryAfter() {
        JsonNode r = NodeScript.run("cloudflare-sdk.js", "rate-limit", base("/client/v4"), TINY, pages.url("/home"));

        assertThat(r.get("limited").get("rateLimit").asBoolean()).isTrue();
        assertThat(r.get("limited").get("status").asInt()).isEqualTo(429);
        assertThat(r.get("retriedOk").asBoolean()).isTrue();
    }

    @Test
    void jsonAsksTheConfiguredModelWithThePagesMarkdownAndChecksTheSchema() {
        int before = model.requests.size();
        JsonNode r = NodeScript.run("cloudflare-sdk.js", "json", base("/client/v4"), BULK, pages.url("/home"));

        assertThat(r.get("heading").asText()).isEqualTo("Welcome home");
        JsonNode sent = model.requests.get(before);
        assertThat(sent.get("model").asText()).isEqualTo("tiny-model");
        assertThat(sent.get("messages").get(1).get("content").asText()).contains("Get the heading").contains("# Welcome home");
        assertThat(sent.get("response_format").get("json_schema").get("schema").get("required").get(0).asText())
                .isEqualTo("heading");
        assertThat(model.authorizations.get(before)).isEqualTo("Bearer model-key");

        HttpResponse<byte[]> broken = gw.send("POST", "/client/v4/accounts/a/browser-rendering/json",
                "{\"html\":\"<h1>x</h1>\",\"prompt\":\"break it\",\"response_format\":{\"type\":\"json_schema\","
                        + "\"json_schema\":{\"type\":\"object\",\"properties\":{\"heading\":{\"type\":\"string\"}}}}}",
                "Authorization", "Bearer " + BULK);
        assertThat(broken.statusCode()).isEqualTo(502);
        assertThat(json(broken).get("errors").get(0).get("code").asText()).isEqualTo("model_answer_invalid");
    }

    @Test
    void bothNamesAndBothBasesServeTheSameActionWithCloudflaresEnvelope() {
        for (String path : List.of("/client/v4/accounts/x/browser-rendering/content", "/accounts/x/browser-run/content",
                "/client/v4/accounts/x/browser-run/content", "/accounts/x/browser-rendering/content")) {
            HttpResponse<byte[]> r = gw.send("POST", path, "{\"html\":\"<p>same</p>\"}", "Authorization", "Bearer " + BULK);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
            assertThat(r.headers().firstValue("X-Browser-Ms-Used")).isPresent();
            JsonNode body = json(r);
            assertThat(body.get("success").asBoolean()).isTrue();
            assertThat(body.get("errors")).isEmpty();
            assertThat(body.get("messages")).isEmpty();
            assertThat(body.get("result").asText()).contains("same");
        }
        HttpResponse<byte[]> noKey = gw.send("POST", "/client/v4/accounts/x/browser-run/content", "{\"html\":\"x\"}");
        assertThat(noKey.statusCode()).isEqualTo(401);
        HttpResponse<byte[]> bad = gw.send("POST", "/accounts/x/browser-run/content", "{\"html\":\"x\",\"viewport\":"
                + "{\"width\":0,\"height\":10}}", "Authorization", "Bearer " + BULK);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).get("errors").get(0).get("field").asText()).isEqualTo("viewport.width");
        assertThat(bad.headers().firstValue("X-Browser-Ms-Used")).hasValue("0");

        HttpResponse<byte[]> spelled = gw.send("POST", "/accounts/x/browser-run/content", "{\"html\":\"<p>go</p>\","
                + "\"goToOptions\":{\"waitUntil\":[\"load\",\"domcontentloaded\"],\"timeout\":60000}}", "Authorization", "Bearer " + BULK);
        assertThat(spelled.statusCode()).as("goToOptions is gotoOptions; a waitUntil list waits for the last").isEqualTo(200);
        HttpResponse<byte[]> both = gw.send("POST", "/accounts/x/browser-run/content", "{\"html\":\"<p>go</p>\","
                + "\"goToOptions\":{},\"gotoOptions\":{}}", "Authorization", "Bearer " + BULK);
        assertThat(both.statusCode()).isEqualTo(400);
        assertThat(json(both).get("errors").get(0).get("field").asText()).isEqualTo("goToOptions");
    }

    @Test
    void actionTimeoutBoundsTheCaptureAfterThePageHasLoaded() {
        String busy = "<p>busy</p><script>addEventListener('load', () => setTimeout(() => { const t = Date.now();"
                + " while (Date.now() - t < 3000) {} }, 300))</script>"; // busy from 300 ms after load to 3.3 s
        String body = "{\"html\":\"" + busy + "\",\"gotoOptions\":{\"waitUntil\":\"load\"},\"waitForTimeout\":800,"
                + "\"actionTimeout\":500}"; // the capture starts at 0.8 s, while the page is busy
        HttpResponse<byte[]> r = gw.send("POST", "/v1/quick/content", body, "Authorization", "Bearer " + BULK);
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(422);
        assertThat(json(r).get("errors").get(0).get("code").asText()).isEqualTo("action_timeout");
        HttpResponse<byte[]> patient = gw.send("POST", "/v1/quick/content", body.replace("500}", "20000}"),
                "Authorization", "Bearer " + BULK);
        assertThat(patient.statusCode()).as("the same page with time to spare").isEqualTo(200);
    }

    @Test
    void cacheTtlServesAUrlAgainFromTheCacheButNeverHtml() {
        String body = "{\"url\":\"" + pages.url("/home") + "\"}";
        String path = "/client/v4/accounts/x/browser-rendering/content";
        HttpResponse<byte[]> first = gw.send("POST", path + "?cacheTTL=60", body, "Authorization", "Bearer " + BULK);
        HttpResponse<byte[]> second = gw.send("POST", path + "?cacheTTL=60", body, "Authorization", "Bearer " + BULK);
        HttpResponse<byte[]> off = gw.send("POST", path + "?cacheTTL=0", body, "Authorization", "Bearer " + BULK);
        HttpResponse<byte[]> html1 = gw.send("POST", path + "?cacheTTL=60", "{\"html\":\"<p>h</p>\"}", "Authorization", "Bearer " + BULK);
        HttpResponse<byte[]> html2 = gw.send("POST", path + "?cacheTTL=60", "{\"html\":\"<p>h</p>\"}", "Authorization", "Bearer " + BULK);
        HttpResponse<byte[]> tooLong = gw.send("POST", path + "?cacheTTL=86401", body, "Authorization", "Bearer " + BULK);

        assertThat(first.headers().firstValue("X-Warmpool-Cache")).isEmpty();
        assertThat(second.headers().firstValue("X-Warmpool-Cache")).hasValue("hit");
        assertThat(second.headers().firstValue("X-Browser-Ms-Used")).hasValue("0");
        assertThat(new String(second.body(), StandardCharsets.UTF_8)).isEqualTo(new String(first.body(), StandardCharsets.UTF_8));
        assertThat(off.headers().firstValue("X-Warmpool-Cache")).isEmpty();
        assertThat(html1.headers().firstValue("X-Warmpool-Cache")).isEmpty();
        assertThat(html2.headers().firstValue("X-Warmpool-Cache")).isEmpty();
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(json(tooLong).get("errors").get(0).get("field").asText()).isEqualTo("cacheTTL");

        // without ?cacheTTL: 5 s on Cloudflare's paths, none on ours; and a cache per tenant
        String about = "{\"url\":\"" + pages.url("/about") + "\"}";
        gw.send("POST", path, about, "Authorization", "Bearer " + BULK);
        HttpResponse<byte[]> again = gw.send("POST", path, about, "Authorization", "Bearer " + BULK);
        HttpResponse<byte[]> otherTenant = gw.send("POST", path, about, "Authorization", "Bearer " + TINY);
        gw.send("POST", "/v1/quick/content", about, "Authorization", "Bearer " + BULK);
        HttpResponse<byte[]> ours = gw.send("POST", "/v1/quick/content", about, "Authorization", "Bearer " + BULK);
        assertThat(again.headers().firstValue("X-Warmpool-Cache")).as("default 5 s").hasValue("hit");
        assertThat(otherTenant.statusCode()).isEqualTo(200);
        assertThat(otherTenant.headers().firstValue("X-Warmpool-Cache")).as("another tenant's cache").isEmpty();
        assertThat(ours.headers().firstValue("X-Warmpool-Cache")).as("off by default on /v1/quick").isEmpty();
    }

    @Test
    void aPageThatRunsOutOfTimeIs408OnCloudflaresPathsAnd422OnOurs() {
        String body = "{\"html\":\"<p>x</p>\",\"waitForSelector\":{\"selector\":\"#never\",\"timeout\":300}}";
        HttpResponse<byte[]> cf = gw.send("POST", "/client/v4/accounts/x/browser-rendering/content", body,
                "Authorization", "Bearer " + BULK);
        HttpResponse<byte[]> ours = gw.send("POST", "/v1/quick/content", body, "Authorization", "Bearer " + BULK);

        assertThat(cf.statusCode()).isEqualTo(408);
        assertThat(ours.statusCode()).isEqualTo(422);
        assertThat(json(cf).get("errors").get(0).get("code").asText()).isEqualTo("action_timeout");
    }

    @Test
    void puppeteerConnectsToASessionOpenedThroughTheDevtoolsPaths() {
        int claimedBefore = claimed();
        JsonNode r = NodeScript.run("cloudflare-session.js", base("/client/v4"), BULK, pages.url("/home"));

        assertThat(r.get("ws").asText()).contains("/client/v4/accounts/any-account/browser-rendering/devtools/browser/"
                + r.get("sessionId").asText());
        assertThat(r.get("browser").asText()).contains("Chrome");
        assertThat(r.get("heading").asText()).isEqualTo("Welcome home");
        assertThat(r.get("targetUrls").toString()).contains("/home");
        assertThat(r.get("listed")).extracting(JsonNode::asText).contains(r.get("sessionId").asText());
        assertThat(r.get("one").asText()).isEqualTo(r.get("sessionId").asText());
        assertThat(r.get("limits").get("maxConcurrentSessions").asInt()).isEqualTo(5);
        assertThat(r.get("limits").get("activeSessions").toString()).contains(r.get("sessionId").asText());
        assertThat(r.get("limits").has("allowedBrowserAcquisitions")).isTrue();
        assertThat(r.get("limits").has("timeUntilNextAllowedBrowserAcquisition")).isTrue();
        assertThat(r.get("closed").get("status").asText()).isEqualTo("closed");
        assertThat(r.get("afterClose").asInt()).isEqualTo(404);
        assertThat(r.get("directVersion").asText()).contains("Chrom");
        JsonNode paths = r.get("jsonPaths");
        assertThat(paths.get("createdId").asText()).isNotEmpty();
        assertThat(paths.get("createdWs").asText()).contains("/devtools/").doesNotContain("127.0.0.1:9222");
        assertThat(paths.get("targetId").asText()).isEqualTo(paths.get("createdId").asText());
        assertThat(paths.get("activated").toString()).containsIgnoringCase("activated");
        assertThat(paths.get("protocolDomains").asInt()).isGreaterThan(10);
        assertThat(paths.get("closedTarget").toString()).containsIgnoringCase("closing");
        assertThat(paths.get("stillListed").asBoolean()).as("the closed target is gone").isFalse();
        assertThat(await(Duration.ofSeconds(10), () -> claimed() == claimedBefore))
                .as("both sessions ended: the deleted one and the one-step socket's").isTrue();

        HttpResponse<byte[]> limits = gw.send("GET", "/accounts/a/browser-run/limits", null, "Authorization", "Bearer " + BULK);
        assertThat(limits.statusCode()).isEqualTo(200);
        assertThat(limits.headers().firstValue("X-Browser-Ms-Used")).as("on every Cloudflare answer").hasValue("0");
        HttpResponse<byte[]> unknown = gw.send("DELETE", "/client/v4/accounts/a/browser-rendering/devtools/browser/nope",
                null, "Authorization", "Bearer " + BULK);
        assertThat(unknown.headers().firstValue("X-Browser-Ms-Used")).hasValue("0");
        HttpResponse<byte[]> tooLong = gw.send("POST", "/accounts/a/browser-run/devtools/browser?keep_alive=99999999", null,
                "Authorization", "Bearer " + BULK);
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(json(tooLong).get("errors").get(0).get("field").asText()).isEqualTo("keep_alive");
    }

    private static int claimed() {
        int n = 0;
        for (JsonNode p : json(gw.send("GET", "/v1/pools", null, "Authorization", "Bearer " + BULK)).get("result")) {
            n += p.get("claimed").asInt();
        }
        return n;
    }
}
