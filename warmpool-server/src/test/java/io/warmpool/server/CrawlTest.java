package io.warmpool.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.warmpool.core.PoolSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.warmpool.server.TestGateway.await;
import static io.warmpool.server.TestGateway.json;
import static org.assertj.core.api.Assertions.assertThat;

/** Crawl jobs over a small local site of linked pages, through the SDK and across a gateway restart. */
class CrawlTest {
    @TempDir
    static Path dir;
    static TestGateway gw;
    static TestPages pages;

    @BeforeAll
    static void start() {
        Map<String, String> site = new HashMap<>();
        site.put("/site/", "<h1>Index</h1><a href='/site/a'>A</a> <a href='/site/b'>B</a> <a href='/site/skip-me'>S</a>"
                + " <a href='http://169.254.169.254/latest'>metadata</a>");
        site.put("/site/a", "<h1>Page A</h1><a href='/site/c'>C</a><a href='/site/'>home</a>");
        site.put("/site/b", "<h1>Page B</h1><a href='/site/c#top'>C again</a>");
        site.put("/site/c", "<h1>Page C</h1><a href='/site/d'>D</a>");
        site.put("/site/d", "<h1>Page D</h1>");
        site.put("/site/skip-me", "<h1>Skipped</h1>");
        for (int i = 0; i < 6; i++) {
            site.put("/slow/" + i, "<h1>Slow " + i + "</h1><a href='/slow/" + (i + 1) + "'>next</a>");
        }
        pages = new TestPages(site);
        gw = new TestGateway(dir, PoolSettings.builder("browser").minIdle(1).maxSize(3).build());
        // generous: a shared, loaded machine starts agents and browsers slowly
        assertThat(await(Duration.ofSeconds(180), () -> gw.pool("weur").get("warm").asInt() >= 1)).isTrue();
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
        pages.close();
    }

    @Test
    void aCrawlFollowsTheSitesLinksWithinItsBoundsAndPagesItsRecords() {
        JsonNode r = NodeScript.run("cloudflare-sdk.js", "crawl", gw.gateway.url() + "/client/v4", "any",
                pages.url("/site/"));

        assertThat(r.get("status").asText()).isEqualTo("completed");
        Map<String, JsonNode> byUrl = new HashMap<>();
        r.get("records").forEach(rec -> byUrl.put(rec.get("url").asText(), rec));
        assertThat(byUrl.keySet()).containsExactlyInAnyOrder(pages.url("/site/"), pages.url("/site/a"),
                pages.url("/site/b"), pages.url("/site/c"), pages.url("/site/d"));
        assertThat(byUrl.get(pages.url("/site/a")).get("markdown").asText()).contains("# Page A");
        assertThat(byUrl.get(pages.url("/site/a")).get("html").asText()).contains("<h1>Page A</h1>");
        assertThat(byUrl.get(pages.url("/site/a")).get("status").asText()).isEqualTo("completed");
        assertThat(r.get("finished").asInt()).isEqualTo(5);
        assertThat(r.get("cancelled").get("job_id").asText()).isEqualTo(r.get("id").asText());
    }

    @Test
    void externalLinksAreFollowedOnlyWhenAskedAndStillMeetTheEgressGuard() {
        String id = json(gw.send("POST", "/v1/crawl", "{\"url\":\"" + pages.url("/site/") + "\",\"depth\":1,\"limit\":10,"
                + "\"options\":{\"includeExternalLinks\":true,\"includePatterns\":[\"**/site/\",\"**/a\",\"http://169.254.169.254/**\"]}}"))
                .get("result").asText();
        JsonNode job = awaitEnd(id, "/v1/crawl/");
        Map<String, String> status = new HashMap<>();
        job.get("records").forEach(rec -> status.put(rec.get("url").asText(), rec.get("status").asText()));
        assertThat(status).containsEntry(pages.url("/site/a"), "completed")
                .containsEntry("http://169.254.169.254/latest", "errored").doesNotContainKey(pages.url("/site/b"));
    }

    @Test
    void badCrawlBodiesAreRejectedNamingTheField() {
        for (String[] c : List.of(new String[]{"{\"limit\":5}", "url"}, new String[]{"{\"url\":\"ftp://x/\"}", "url"},
                new String[]{"{\"url\":\"http://x.test/\",\"limit\":100000}", "limit"},
                new String[]{"{\"url\":\"http://x.test/\",\"source\":\"sitemaps\"}", "source"},
                new String[]{"{\"url\":\"http://x.test/\",\"formats\":[\"json\"]}", "formats"},
                new String[]{"{\"url\":\"http://x.test/\",\"viewport\":{\"width\":-1,\"height\":5}}", "viewport.width"})) {
            var response = gw.send("POST", "/accounts/a/browser-rendering/crawl", c[0]);
            assertThat(response.statusCode()).as(c[0]).isEqualTo(400);
            assertThat(json(response).get("errors").get(0).get("field").asText()).as(c[0]).isEqualTo(c[1]);
        }
        assertThat(gw.send("GET", "/v1/crawl/no-such-job", null).statusCode()).isEqualTo(404);
    }

    @Test
    void aTenantRunsAtMostTwoJobsAtOnceAndTheThirdIs429WithRetryAfter() {
        String body = "{\"url\":\"" + pages.url("/slow/0") + "\",\"depth\":10,\"limit\":6,\"waitForTimeout\":700}";
        var first = gw.send("POST", "/v1/crawl", body);
        var second = gw.send("POST", "/accounts/a/browser-rendering/crawl", body);
        var third = gw.send("POST", "/client/v4/accounts/a/browser-run/crawl", body);
        try {
            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(first.headers().firstValue("X-Browser-Ms-Used")).hasValue("0");
            assertThat(second.statusCode()).isEqualTo(200);
            assertThat(third.statusCode()).isEqualTo(429);
            assertThat(third.headers().firstValue("Retry-After")).isPresent();
            assertThat(json(third).get("errors").get(0).get("code").asText()).isEqualTo("rate_limited");
            var shown = gw.send("GET", "/v1/crawl/" + json(first).get("result").asText(), null);
            assertThat(shown.headers().firstValue("X-Browser-Ms-Used")).isPresent();
        } finally {
            for (var started : List.of(first, second)) {
                if (started.statusCode() == 200) {
                    gw.send("DELETE", "/v1/crawl/" + json(started).get("result").asText(), null);
                }
            }
        }
    }

    @Test
    void aJobSurvivesAGatewayRestartAndFinishesAfterIt() {
        String body = "{\"url\":\"" + pages.url("/slow/0") + "\",\"depth\":10,\"limit\":6,\"waitForTimeout\":700}";
        String id = json(gw.send("POST", "/v1/crawl", body)).get("result").asText();
        assertThat(await(Duration.ofSeconds(60), () -> json(gw.send("GET", "/v1/crawl/" + id, null))
                .get("result").get("finished").asInt() >= 1)).isTrue();

        gw.close();
        gw = new TestGateway(dir, PoolSettings.builder("browser").minIdle(1).maxSize(3).build());

        JsonNode job = awaitEnd(id, "/v1/crawl/");
        assertThat(job.get("status").asText()).isEqualTo("completed");
        assertThat(job.get("finished").asInt()).isEqualTo(6);
    }

    private static JsonNode awaitEnd(String id, String path) {
        JsonNode[] last = new JsonNode[1];
        assertThat(await(Duration.ofSeconds(180), () -> {
            last[0] = json(gw.send("GET", path + id + "?limit=500", null)).get("result");
            return !last[0].get("status").asText().equals("running");
        })).as("crawl %s ended", id).isTrue();
        return last[0];
    }
}
