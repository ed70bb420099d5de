package io.warmpool.quick;

import io.warmpool.InvalidRequestException;
import io.warmpool.quick.PageOptions.Cookie;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Cloudflare's defaults and bounds for every shared field, checked without a browser. */
class QuickActionRequestTest {
    private static final QuickActionRequest URL = new QuickActionRequest("https://example.com/", null, null, null,
            null, null, null);

    private static QuickActionRequest with(java.util.function.UnaryOperator<Builder> f) {
        return f.apply(new Builder()).build();
    }

    private static void rejects(QuickActionRequest r, QuickAction action, String field) {
        assertThatThrownBy(() -> r.validated(action)).isInstanceOf(InvalidRequestException.class)
                .satisfies(e -> assertThat(((InvalidRequestException) e).field()).isEqualTo(field));
    }

    @Test
    void cloudflaresDefaultsAreFilledIn() {
        QuickActionRequest v = URL.validated(QuickAction.CONTENT);
        assertThat(v.viewport()).isEqualTo(QuickActionRequest.Viewport.DEFAULT);
        assertThat(v.viewport().width()).isEqualTo(1920);
        assertThat(v.viewport().height()).isEqualTo(1080);
        assertThat(v.gotoOptions().waitUntil()).isEqualTo("domcontentloaded");
        assertThat(v.gotoOptions().timeout()).isEqualTo(30_000);
        assertThat(v.actionTimeout()).isEqualTo(30_000);
        assertThat(v.validated(QuickAction.CONTENT)).as("validating again changes nothing").isEqualTo(v);
    }

    @Test
    void aPoolsPageDefaultsReplaceCloudflaresDefaultsAndBounds() {
        PageDefaults pool = new PageDefaults(Duration.ofSeconds(10), Duration.ofSeconds(90), "load", 800, 600,
                Duration.ofSeconds(5), Duration.ofSeconds(20)).validated("pools.browser.pageDefaults");

        QuickActionRequest v = URL.validated(QuickAction.CONTENT, pool);
        assertThat(v.viewport().width()).isEqualTo(800);
        assertThat(v.viewport().height()).isEqualTo(600);
        assertThat(v.gotoOptions().waitUntil()).isEqualTo("load");
        assertThat(v.gotoOptions().timeout()).isEqualTo(10_000);
        assertThat(v.actionTimeout()).isEqualTo(5_000);
        assertThat(v.validated(QuickAction.CONTENT, PageDefaults.AGENT)).as("the agent's check changes nothing")
                .isEqualTo(v);

        QuickActionRequest far = with(b -> b.gotoOptions(new QuickActionRequest.GotoOptions(null, 90_000))
                .waitForTimeout(90_000));
        assertThat(far.validated(QuickAction.CONTENT, pool).gotoOptions().timeout()).isEqualTo(90_000);
        assertThat(far.validated(QuickAction.CONTENT, pool).validated(QuickAction.CONTENT, PageDefaults.AGENT)
                .gotoOptions().timeout()).isEqualTo(90_000);
        rejects(far, QuickAction.CONTENT, "gotoOptions.timeout"); // Cloudflare's 60 s bound without the pool
        assertThatThrownBy(() -> with(b -> b.gotoOptions(new QuickActionRequest.GotoOptions(null, 90_001)))
                .validated(QuickAction.CONTENT, pool)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("between 1 and 90000");
        assertThatThrownBy(() -> with(b -> b.actionTimeout(20_001)).validated(QuickAction.CONTENT, pool))
                .satisfies(e -> assertThat(((InvalidRequestException) e).field()).isEqualTo("actionTimeout"));
    }

    @Test
    void pageDefaultsAreCheckedNamingTheKeyTheRuleAndTheValue() {
        PageDefaults d = PageDefaults.CLOUDFLARE;
        assertThatThrownBy(() -> new PageDefaults(Duration.ofSeconds(61), d.maxGotoTimeout(), d.waitUntil(), 1920, 1080,
                d.actionTimeout(), d.maxActionTimeout()).validated("pools.browser.pageDefaults"))
                .isInstanceOf(io.warmpool.ConfigException.class)
                .hasMessage("pools.browser.pageDefaults.gotoTimeout must be between PT0.001S and PT1M (gotoTimeout=PT1M1S)");
        assertThatThrownBy(() -> new PageDefaults(d.gotoTimeout(), Duration.ofMinutes(11), d.waitUntil(), 1920, 1080,
                d.actionTimeout(), d.maxActionTimeout()).validated("p")).hasMessageContaining("p.maxGotoTimeout");
        assertThatThrownBy(() -> new PageDefaults(d.gotoTimeout(), d.maxGotoTimeout(), "soon", 1920, 1080,
                d.actionTimeout(), d.maxActionTimeout()).validated("p")).hasMessageContaining("p.waitUntil")
                .hasMessageContaining("soon");
        assertThatThrownBy(() -> new PageDefaults(d.gotoTimeout(), d.maxGotoTimeout(), d.waitUntil(), 0, 1080,
                d.actionTimeout(), d.maxActionTimeout()).validated("p")).hasMessageContaining("p.viewport.width");
        assertThatThrownBy(() -> new PageDefaults(d.gotoTimeout(), d.maxGotoTimeout(), d.waitUntil(), 1920, 1080,
                Duration.ofSeconds(121), d.maxActionTimeout()).validated("p")).hasMessageContaining("p.actionTimeout");
        assertThat(d.validated("p")).isSameAs(d);
    }

    @Test
    void theGotoTimeoutIsAtMostSixtySeconds() {
        rejects(with(b -> b.gotoOptions(new QuickActionRequest.GotoOptions("load", 60_001))), QuickAction.PDF,
                "gotoOptions.timeout");
        rejects(with(b -> b.gotoOptions(new QuickActionRequest.GotoOptions("soon", null))), QuickAction.PDF,
                "gotoOptions.waitUntil");
        assertThat(with(b -> b.gotoOptions(new QuickActionRequest.GotoOptions("networkidle0", 60_000)))
                .validated(QuickAction.PDF).gotoOptions().timeout()).isEqualTo(60_000);
    }

    @Test
    void waitForTimeoutAndActionTimeoutAreBounded() {
        rejects(with(b -> b.waitForTimeout(60_001)), QuickAction.CONTENT, "waitForTimeout");
        rejects(with(b -> b.waitForTimeout(-1)), QuickAction.CONTENT, "waitForTimeout");
        rejects(with(b -> b.actionTimeout(0)), QuickAction.CONTENT, "actionTimeout");
        QuickActionRequest v = with(b -> b.waitForTimeout(1000).actionTimeout(5000)).validated(QuickAction.CONTENT);
        assertThat(v.budgetMillis()).isEqualTo(30_000 + 1000 + 5000 + QuickActionRequest.CAPTURE_SLACK_MS);
    }

    @Test
    void headerNamesAndValuesAreChecked() {
        rejects(with(b -> b.headers(Map.of("Bad Header", "x"))), QuickAction.CONTENT, "setExtraHTTPHeaders.Bad Header");
        rejects(with(b -> b.headers(Map.of("X-Ok", "line\r\nbreak"))), QuickAction.CONTENT, "setExtraHTTPHeaders.X-Ok");
    }

    @Test
    void aCookieWithoutUrlOrDomainTakesThePagesUrlButHtmlHasNone() {
        Cookie c = new Cookie("a", "b", null, null, null, null, null, null, null, null, null, null, null, null);
        assertThat(with(b -> b.cookies(List.of(c))).validated(QuickAction.CONTENT).cookies().get(0).url())
                .isEqualTo("https://example.com/");
        rejects(with(b -> b.url(null).html("<p>").cookies(List.of(c))), QuickAction.CONTENT, "cookies[0].url");
        Cookie badSite = new Cookie("a", "b", null, "x.test", null, null, null, "Sometimes", null, null, null, null, null, null);
        rejects(with(b -> b.cookies(List.of(badSite))), QuickAction.CONTENT, "cookies[0].sameSite");
    }

    @Test
    void resourceTypesAndPatternsAreChecked() {
        rejects(with(b -> b.rejectResourceTypes(List.of("images"))), QuickAction.CONTENT, "rejectResourceTypes[0]");
        rejects(with(b -> b.allowRequestPattern(List.of("/(unclosed/"))), QuickAction.CONTENT, "allowRequestPattern[0]");
        assertThat(RequestPattern.compile("f", "/\\.CSS$/i").matcher("https://x/a.css").find()).isTrue();
        assertThat(RequestPattern.compile("f", "\\.png").matcher("https://x/a.png?x").find()).isTrue();
    }

    @Test
    void scriptAndStyleTagsNeedExactlyOneOfContentAndUrl() {
        rejects(with(b -> b.scripts(List.of(new PageOptions.ScriptTag(null, null, null, null)))), QuickAction.CONTENT,
                "addScriptTag[0]");
        rejects(with(b -> b.styles(List.of(new PageOptions.StyleTag("a{}", "https://x/a.css")))), QuickAction.CONTENT,
                "addStyleTag[0]");
    }

    @Test
    void actionSpecificFieldsBelongToTheirAction() {
        rejects(with(b -> b.selector("#x")), QuickAction.CONTENT, "selector");
        rejects(with(b -> b.elements(List.of(new PageOptions.ScrapeElement("p")))), QuickAction.LINKS, "elements");
        rejects(URL, QuickAction.SCRAPE, "elements");
        rejects(URL, QuickAction.JSON, "prompt");
        assertThat(URL.validated(QuickAction.SNAPSHOT).formats()).containsExactly("content", "screenshot");
        rejects(with(b -> b.formats(List.of("pdf"))), QuickAction.SNAPSHOT, "formats[0]");
    }

    @Test
    void pdfLengthsBecomeInchesAndRangesAreChecked() {
        QuickActionRequest.PdfOptions po = new QuickActionRequest.PdfOptions(null, null, null,
                new PageOptions.Margin("2.54cm", 96, "25.4mm", "1in"), 1.5, null, null, null, "1-3, 5", null,
                "8.5in", 1056, null, null, null, null);
        QuickActionRequest.PdfOptions v = with(b -> b.pdf(po)).validated(QuickAction.PDF).pdfOptions();
        assertThat(List.of(v.margin().top(), v.margin().right(), v.margin().bottom(), v.margin().left()))
                .containsOnly("1.0in");
        assertThat(v.width()).isEqualTo("8.5in");
        assertThat(v.height()).isEqualTo("11.0in");
        QuickActionRequest.PdfOptions badScale = new QuickActionRequest.PdfOptions(null, null, null, null, 3.0, null,
                null, null, null, null, null, null, null, null, null, null);
        rejects(with(b -> b.pdf(badScale)), QuickAction.PDF, "pdfOptions.scale");
        QuickActionRequest.PdfOptions badRange = new QuickActionRequest.PdfOptions(null, null, null, null, null, null,
                null, null, "1-x", null, null, null, null, null, null, null);
        rejects(with(b -> b.pdf(badRange)), QuickAction.PDF, "pdfOptions.pageRanges");
    }

    /** A request with only the fields a test names. */
    private static final class Builder {
        String url = "https://example.com/";
        String html;
        QuickActionRequest.GotoOptions gotoOptions;
        QuickActionRequest.PdfOptions pdf;
        Integer waitForTimeout;
        Integer actionTimeout;
        Map<String, String> headers;
        List<Cookie> cookies;
        List<PageOptions.ScriptTag> scripts;
        List<PageOptions.StyleTag> styles;
        List<String> rejectResourceTypes;
        List<String> allowRequestPattern;
        String selector;
        List<PageOptions.ScrapeElement> elements;
        List<String> formats;

        Builder url(String v) { url = v; return this; }
        Builder html(String v) { html = v; return this; }
        Builder gotoOptions(QuickActionRequest.GotoOptions v) { gotoOptions = v; return this; }
        Builder pdf(QuickActionRequest.PdfOptions v) { pdf = v; return this; }
        Builder waitForTimeout(int v) { waitForTimeout = v; return this; }
        Builder actionTimeout(int v) { actionTimeout = v; return this; }
        Builder headers(Map<String, String> v) { headers = v; return this; }
        Builder cookies(List<Cookie> v) { cookies = v; return this; }
        Builder scripts(List<PageOptions.ScriptTag> v) { scripts = v; return this; }
        Builder styles(List<PageOptions.StyleTag> v) { styles = v; return this; }
        Builder rejectResourceTypes(List<String> v) { rejectResourceTypes = v; return this; }
        Builder allowRequestPattern(List<String> v) { allowRequestPattern = v; return this; }
        Builder selector(String v) { selector = v; return this; }
        Builder elements(List<PageOptions.ScrapeElement> v) { elements = v; return this; }
        Builder formats(List<String> v) { formats = v; return this; }

        QuickActionRequest build() {
            return new QuickActionRequest(url, html, null, gotoOptions, null, null, pdf, waitForTimeout, null, headers,
                    cookies, null, null, null, scripts, styles, rejectResourceTypes, null, null, allowRequestPattern,
                    null, actionTimeout, selector, null, elements, null, null, formats, null, null, null);
        }
    }
}
