package io.warmpool.agent;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Each shared body field of Cloudflare's quick actions, against one real Chromium, over the agent's HTTP API. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PageFieldsTest {
    private static final String QUICK = "/instances/f1/quick/";
    private static final String IMAGE_PAGE = "<!DOCTYPE html><html><body><p id='s'>none</p><img id='i' src='/pixel.png' "
            + "onload=\"document.getElementById('s').textContent='img:loaded'\" "
            + "onerror=\"document.getElementById('s').textContent='img:failed'\"></body></html>";

    @TempDir
    static Path dataDir;
    private OneBrowser browser;
    private TestPages pages;
    private AgentClient client;

    @BeforeAll
    void startAgentAndBrowser() throws Exception {
        browser = new OneBrowser("fields", "f1", dataDir);
        pages = browser.pages;
        client = browser.client;
        pages.page("/image", IMAGE_PAGE);
    }

    @AfterAll
    void stopEverything() {
        browser.close();
    }

    private String content(String body) {
        HttpResponse<byte[]> r = client.post(QUICK + "content", body);
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        return AgentClient.json(r).path("result").asText();
    }

    private String echo(String fields) {
        return content("{\"url\":\"" + pages.url("/echo") + "\"," + fields + "}");
    }

    @Test
    void userAgentReplacesTheBrowsersOwn() {
        assertThat(echo("\"userAgent\":\"warmpool-test-agent/1.0\"")).contains("user-agent: warmpool-test-agent/1.0");
    }

    @Test
    void setExtraHttpHeadersGoWithTheRequest() {
        assertThat(echo("\"setExtraHTTPHeaders\":{\"X-Trace\":\"abc-123\"}")).contains("x-trace: abc-123");
    }

    @Test
    void cookiesAreSentForThePagesUrl() {
        assertThat(echo("\"cookies\":[{\"name\":\"flavour\",\"value\":\"oat\"}]")).contains("flavour=oat");
    }

    @Test
    void gotoOptionsRefererIsSent() {
        // cross-origin, so Chromium's default policy (strict-origin-when-cross-origin) sends the origin only
        assertThat(echo("\"gotoOptions\":{\"referer\":\"http://referrer.test/from\"}"))
                .contains("referer: http://referrer.test/");
    }

    @Test
    void authenticateAnswersTheServersBasicChallenge() {
        String url = pages.url("/basic");
        assertThat(content("{\"url\":\"" + url + "\",\"authenticate\":{\"username\":\"ann\",\"password\":\"s3cret\"}}"))
                .contains("let in");
        HttpResponse<byte[]> refused = client.post(QUICK + "content", "{\"url\":\"" + url + "\"}");
        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(new String(refused.body(), StandardCharsets.UTF_8)).contains("ERR_INVALID_AUTH_CREDENTIALS");
    }

    @Test
    void emulateMediaTypePrintIsWhatThePageSees() {
        String html = "<p id=m></p><script>document.getElementById('m').textContent = "
                + "matchMedia('print').matches ? 'media:print' : 'media:screen'</script>";
        assertThat(content("{\"html\":\"" + html + "\",\"emulateMediaType\":\"print\"}")).contains("media:print");
        assertThat(content("{\"html\":\"" + html + "\"}")).contains("media:screen");
    }

    @Test
    void setJavaScriptEnabledFalseStopsThePagesScripts() {
        String html = "<p id=j>static</p><script>document.getElementById('j').textContent='scripted'</script>";
        assertThat(content("{\"html\":\"" + html + "\",\"setJavaScriptEnabled\":false}")).contains(">static<");
        assertThat(content("{\"html\":\"" + html + "\"}")).contains(">scripted<");
    }

    @Test
    void addScriptTagAndAddStyleTagRunAfterLoad() {
        String result = content("{\"html\":\"<h1>t</h1>\",\"addScriptTag\":[{\"content\":\"document.body.dataset.tag='added'\"}],"
                + "\"addStyleTag\":[{\"content\":\"h1 { color: rgb(1, 2, 3) }\"}]}");
        assertThat(result).contains("data-tag=\"added\"").contains("color: rgb(1, 2, 3)");
    }

    @Test
    void rejectResourceTypesAndRejectRequestPatternRefuseMatchingRequests() {
        String url = pages.url("/image");
        assertThat(content("{\"url\":\"" + url + "\",\"gotoOptions\":{\"waitUntil\":\"load\"},"
                + "\"rejectResourceTypes\":[\"image\"]}")).contains("img:failed");
        assertThat(content("{\"url\":\"" + url + "\",\"gotoOptions\":{\"waitUntil\":\"load\"},"
                + "\"rejectRequestPattern\":[\"/pixel\\\\.png$/\"]}")).contains("img:failed");
        assertThat(content("{\"url\":\"" + url + "\",\"gotoOptions\":{\"waitUntil\":\"load\"},"
                + "\"rejectRequestPattern\":[\"/nomatch/\"]}")).contains("img:loaded");
    }

    @Test
    void allowResourceTypesAndAllowRequestPatternRefuseEverythingElse() {
        String url = pages.url("/image");
        assertThat(content("{\"url\":\"" + url + "\",\"gotoOptions\":{\"waitUntil\":\"load\"},"
                + "\"allowResourceTypes\":[\"document\"]}")).contains("img:failed");
        assertThat(content("{\"url\":\"" + url + "\",\"gotoOptions\":{\"waitUntil\":\"load\"},"
                + "\"allowRequestPattern\":[\"/image$/\", \"/pixel/\"]}")).contains("img:loaded");
    }

    @Test
    void viewportDeviceFieldsEmulateAMobileLandscapeTouchScreen() {
        String html = "<p id=d></p><script>document.getElementById('d').textContent = 'touch:' + navigator.maxTouchPoints"
                + " + ' orientation:' + screen.orientation.type</script>";
        String result = content("{\"html\":\"" + html + "\",\"viewport\":{\"width\":800,\"height\":400,"
                + "\"isMobile\":true,\"hasTouch\":true,\"isLandscape\":true}}");
        assertThat(result).contains("orientation:landscape-primary").doesNotContain("touch:0 ");
    }

    @Test
    void waitForTimeoutWaitsAfterLoadingBeforeCapturing() {
        String html = "<p id=w>early</p><script>setTimeout(() => document.getElementById('w').textContent = 'late', 300)</script>";
        assertThat(content("{\"html\":\"" + html + "\",\"waitForTimeout\":1500}")).contains(">late<");
    }

    @Test
    void waitForSelectorHiddenWaitsUntilTheElementGoes() {
        String html = "<div id=spin>spinning</div><script>setTimeout(() => document.getElementById('spin').remove(), 300)</script>";
        assertThat(content("{\"html\":\"" + html + "\",\"waitForSelector\":{\"selector\":\"#spin\",\"hidden\":true,"
                + "\"timeout\":10000}}")).doesNotContain("spinning");
    }

    @Test
    void bestAttemptCapturesAPageWhoseLoadNeverFinishes() {
        String body = "{\"url\":\"" + pages.url("/hanging-image") + "\",\"gotoOptions\":{\"waitUntil\":\"load\",\"timeout\":500}";
        HttpResponse<byte[]> strict = client.post(QUICK + "content", body + "}");
        HttpResponse<byte[]> tolerant = client.post(QUICK + "content", body + ",\"bestAttempt\":true}");

        assertThat(strict.statusCode()).isEqualTo(422);
        assertThat(tolerant.statusCode()).isEqualTo(200);
        assertThat(AgentClient.json(tolerant).path("result").asText()).contains("/hang");
    }

    @Test
    void aScreenshotOfASelectorIsTheElementsBox() {
        HttpResponse<byte[]> r = client.post(QUICK + "screenshot", "{\"html\":\"<div style='margin:40px;width:200px;"
                + "height:100px;background:red' id=box></div>\",\"selector\":\"#box\"}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(pngSize(r.body())).containsExactly(200, 100);
        HttpResponse<byte[]> missing = client.post(QUICK + "screenshot", "{\"html\":\"<p>x</p>\",\"selector\":\"#nope\"}");
        assertThat(missing.statusCode()).isEqualTo(422);
        assertThat(AgentClient.errorCode(missing)).isEqualTo("selector_not_found");
    }

    @Test
    void aScreenshotClipIsThatRegion() {
        HttpResponse<byte[]> r = client.post(QUICK + "screenshot", "{\"html\":\"<h1>clip</h1>\",\"screenshotOptions\":"
                + "{\"clip\":{\"x\":10,\"y\":20,\"width\":50,\"height\":40},\"captureBeyondViewport\":false}}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(pngSize(r.body())).containsExactly(50, 40);
    }

    @Test
    void screenshotEncodingBase64AnswersTheImagesBase64Text() {
        String body = "{\"html\":\"<h1>b64</h1>\",\"viewport\":{\"width\":300,\"height\":150},\"screenshotOptions\":"
                + "{\"encoding\":\"base64\"}}";
        HttpResponse<byte[]> r = client.post(QUICK + "screenshot", body);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        byte[] png = java.util.Base64.getDecoder().decode(r.body());
        assertThat(pngSize(png)).containsExactly(300, 150);

        HttpResponse<byte[]> binary = client.post(QUICK + "screenshot", body.replace("base64", "binary"));
        assertThat(binary.headers().firstValue("Content-Type").orElse("")).isEqualTo("image/png");
        assertThat(pngSize(binary.body())).containsExactly(300, 150);
        HttpResponse<byte[]> bad = client.post(QUICK + "screenshot", body.replace("base64", "hex"));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(AgentClient.errorCode(bad)).isEqualTo("invalid_field");
    }

    @Test
    void scrollPageScrollsToTheBottomSoLazyContentLoads() {
        int before = pages.hits("/pixel.png");
        String html = "<div style='height:5000px'>tall</div><div id=end></div><script>new IntersectionObserver((e, o) => {"
                + " if (e[0].isIntersecting) { const i = new Image(); i.src = '/pixel.png?lazy'; o.disconnect(); } })"
                + ".observe(document.getElementById('end'))</script>";
        pages.page("/lazy", "<!DOCTYPE html><html><body>" + html + "</body></html>");
        HttpResponse<byte[]> r = client.post(QUICK + "screenshot", "{\"url\":\"" + pages.url("/lazy") + "\",\"scrollPage\":true}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(pages.hits("/pixel.png")).isGreaterThan(before);
    }

    @Test
    void pdfSizeMarginsScaleAndPageRangesShapeTheDocument() {
        HttpResponse<byte[]> sized = client.post(QUICK + "pdf", "{\"html\":\"<h1>w</h1>\",\"pdfOptions\":{\"width\":\"5in\","
                + "\"height\":\"3in\",\"margin\":{\"top\":\"1cm\",\"bottom\":\"10mm\",\"left\":20,\"right\":\"0.2in\"},"
                + "\"scale\":0.8,\"displayHeaderFooter\":true,\"headerTemplate\":\"<span class=title></span>\","
                + "\"footerTemplate\":\"<span class=pageNumber></span>\",\"preferCSSPageSize\":false}}");
        assertThat(sized.statusCode()).isEqualTo(200);
        String pdf = new String(sized.body(), StandardCharsets.ISO_8859_1);
        assertThat(pdf).contains("/MediaBox [0 0 360 216]");

        String threePages = "<div style='page-break-after:always'>1</div><div style='page-break-after:always'>2</div><div>3</div>";
        HttpResponse<byte[]> all = client.post(QUICK + "pdf", "{\"html\":\"" + threePages + "\"}");
        HttpResponse<byte[]> one = client.post(QUICK + "pdf", "{\"html\":\"" + threePages + "\",\"pdfOptions\":{\"pageRanges\":\"2\"}}");
        assertThat(pages(all.body())).isEqualTo(3);
        assertThat(pages(one.body())).isEqualTo(1);
    }

    private static int pages(byte[] pdf) {
        Matcher m = Pattern.compile("/Type\\s*/Page[^s]").matcher(new String(pdf, StandardCharsets.ISO_8859_1));
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static int[] pngSize(byte[] png) {
        ByteBuffer b = ByteBuffer.wrap(png);
        return new int[]{b.getInt(16), b.getInt(20)};
    }
}
