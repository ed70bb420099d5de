package io.warmpool.agent;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** markdown, links, scrape and snapshot against one real Chromium, with Cloudflare's result shapes. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExtractActionsTest {
    private static final String QUICK = "/instances/x1/quick/";
    private static final String ARTICLE = "<!DOCTYPE html><html><head><title>Article</title><style>.x{}</style></head>"
            + "<body><h1>Big news</h1><p>It is <em>very</em> <strong>big</strong>.</p><ul><li>one</li><li>two</li></ul>"
            + "<a id=in href='/next'>next</a> <a href='https://example.org/away'>away</a> "
            + "<a href='/hidden' style='display:none'>hidden</a> <a href='javascript:void(0)'>js</a>"
            + "<script>document.title = 'Article!'</script></body></html>";

    @TempDir
    static Path dataDir;
    private OneBrowser browser;
    private TestPages pages;
    private AgentClient client;

    @BeforeAll
    void startAgentAndBrowser() throws Exception {
        browser = new OneBrowser("extract", "x1", dataDir);
        pages = browser.pages;
        client = browser.client;
        pages.page("/article", ARTICLE);
    }

    @AfterAll
    void stopEverything() {
        browser.close();
    }

    private JsonNode result(String action, String fields) {
        HttpResponse<byte[]> r = client.post(QUICK + action, "{\"url\":\"" + pages.url("/article") + "\"" + fields + "}");
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode body = AgentClient.json(r);
        assertThat(body.path("success").asBoolean()).isTrue();
        assertThat(body.path("errors").isArray()).isTrue();
        assertThat(body.path("messages").isArray()).isTrue();
        return body.path("result");
    }

    @Test
    void markdownIsTheRenderedPageAsMarkdownWithoutScriptsOrStyles() {
        String md = result("markdown", "").asText();
        assertThat(md).contains("# Big news").contains("*very*").contains("**big**").contains("* one")
                .contains("[next](/next)").doesNotContain("document.title").doesNotContain(".x{}");
    }

    @Test
    void linksAreAbsoluteHttpUrlsFilteredAsAsked() {
        JsonNode all = result("links", "");
        assertThat(all).extracting(JsonNode::asText).containsExactly(pages.url("/next"), "https://example.org/away",
                pages.url("/hidden"));
        assertThat(result("links", ",\"visibleLinksOnly\":true")).extracting(JsonNode::asText)
                .containsExactly(pages.url("/next"), "https://example.org/away");
        assertThat(result("links", ",\"excludeExternalLinks\":true")).extracting(JsonNode::asText)
                .containsExactly(pages.url("/next"), pages.url("/hidden"));
    }

    @Test
    void scrapeAnswersEveryMatchWithTextHtmlAttributesAndBox() {
        JsonNode r = result("scrape", ",\"elements\":[{\"selector\":\"li\"},{\"selector\":\"#in\"},{\"selector\":\"table\"}]");
        assertThat(r).hasSize(3);
        assertThat(r.get(0).get("selector").asText()).isEqualTo("li");
        assertThat(r.get(0).get("results")).extracting(n -> n.get("text").asText()).containsExactly("one", "two");
        JsonNode link = r.get(1).get("results").get(0);
        assertThat(link.get("html").asText()).isEqualTo("next");
        assertThat(link.get("attributes").toString()).contains("{\"name\":\"id\",\"value\":\"in\"}")
                .contains("{\"name\":\"href\",\"value\":\"/next\"}");
        assertThat(link.get("width").asDouble()).isPositive();
        assertThat(link.get("height").asDouble()).isPositive();
        assertThat(link.has("top") && link.has("left")).isTrue();
        assertThat(r.get(2).get("results")).isEmpty();
    }

    @Test
    void snapshotGivesContentAndAScreenshotOrTheFormatsAskedFor() {
        JsonNode plain = result("snapshot", "");
        assertThat(plain.get("content").asText()).contains("Big news");
        assertThat(Base64.getDecoder().decode(plain.get("screenshot").asText())).startsWith(0x89, 'P', 'N', 'G');
        assertThat(plain.has("markdown")).isFalse();

        JsonNode asked = result("snapshot", ",\"formats\":[\"markdown\",\"accessibilityTree\"]");
        assertThat(asked.has("content")).isFalse();
        assertThat(asked.get("markdown").asText()).contains("# Big news");
        JsonNode tree = asked.get("accessibilityTree");
        assertThat(tree.get("role").asText()).isEqualTo("RootWebArea");
        assertThat(tree.toString()).contains("\"role\":\"heading\"").contains("\"name\":\"Big news\"")
                .contains("\"role\":\"link\"");
    }

    @Test
    void fieldsOfAnotherActionAreRejectedNamingTheField() {
        HttpResponse<byte[]> r = client.post(QUICK + "links", "{\"html\":\"<p>\",\"elements\":[{\"selector\":\"p\"}]}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(AgentClient.json(r).path("errors").path(0).path("message").asText()).contains("elements");
        HttpResponse<byte[]> noElements = client.post(QUICK + "scrape", "{\"html\":\"<p>\"}");
        assertThat(noElements.statusCode()).isEqualTo(400);
    }
}
