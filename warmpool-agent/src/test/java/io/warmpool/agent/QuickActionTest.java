package io.warmpool.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.warmpool.agent.internal.CdpConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** Quick actions against one real Chromium, over the agent's HTTP API. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QuickActionTest {
    private static final String QUICK = "/instances/q1/quick/";

    @TempDir
    static Path dataDir;
    private TestPages pages;
    private Agent agent;
    private AgentClient client;

    @BeforeAll
    void startAgentAndBrowser() throws Exception {
        pages = new TestPages();
        agent = Agent.start(AgentConfig.fromArgs("--agent-id", "quick", "--region", "weur", "--zone", "z1",
                "--port", "0", "--chromium", "/usr/bin/chromium", "--data-dir", dataDir.toString(),
                "--allow", "127.0.0.1/32")); // the test pages are on 127.0.0.1, which the egress guard refuses by default
        client = new AgentClient(agent.url());
        client.start("q1");
    }

    @AfterAll
    void stopEverything() {
        agent.close();
        client.close();
        pages.close();
        assertThat(Processes.await(Duration.ofSeconds(5), () -> Processes.mentioning(dataDir).isEmpty()))
                .as("no process left under %s", dataDir).isTrue();
        assertThat(Processes.await(Duration.ofSeconds(5), () -> Processes.agentThreads().isEmpty()))
                .as("no agent thread left: %s", Processes.agentThreads()).isTrue();
    }

    @Test
    void aScreenshotIsAPngOfTheRequestedViewport() {
        HttpResponse<byte[]> response = client.post(QUICK + "screenshot",
                "{\"url\":\"" + pages.url("/hello") + "\",\"viewport\":{\"width\":640,\"height\":360,\"deviceScaleFactor\":1}}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(response.headers().firstValue("X-Browser-Ms-Used")).hasValueSatisfying(ms ->
                assertThat(Long.parseLong(ms)).isPositive());
        byte[] png = response.body();
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
        assertThat(pngSize(png)).containsExactly(640, 360);
    }

    @Test
    void aPngIsEncodedForSpeedByDefaultAndHasTheSamePixelsAsTheSmallestEncoding() throws Exception {
        String drawn = "<body style='margin:0;background:linear-gradient(90deg,#f00,#0f0,#00f)'>"
                + "<h1 style='color:#fff;font:40px serif'>pixels</h1><div style='width:300px;height:200px;"
                + "background:radial-gradient(#ff0,#0ff)'></div><p>" + "text ".repeat(200) + "</p></body>";
        String request = "{\"html\":\"" + drawn + "\",\"viewport\":{\"width\":800,\"height\":600}";

        HttpResponse<byte[]> byDefault = client.post(QUICK + "screenshot", request + "}");
        HttpResponse<byte[]> smallest = client.post(QUICK + "screenshot",
                request + ",\"screenshotOptions\":{\"optimizeForSpeed\":false}}");

        assertThat(byDefault.statusCode()).isEqualTo(200);
        assertThat(smallest.statusCode()).isEqualTo(200);
        assertThat(byDefault.body()).as("the default is the other encoding").isNotEqualTo(smallest.body());
        assertThat(pixels(byDefault.body())).as("a PNG encoded for speed keeps every pixel")
                .isEqualTo(pixels(smallest.body()));
    }

    /** Every pixel of a PNG, ARGB, row by row (after its width and height). */
    private static int[] pixels(byte[] png) throws java.io.IOException {
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png));
        int[] out = new int[image.getWidth() * image.getHeight() + 2];
        out[0] = image.getWidth();
        out[1] = image.getHeight();
        image.getRGB(0, 0, image.getWidth(), image.getHeight(), out, 2, image.getWidth());
        return out;
    }

    @Test
    void aJpegScreenshotStartsWithTheJpegMagic() {
        HttpResponse<byte[]> response = client.post(QUICK + "screenshot",
                "{\"html\":\"<h1>jpeg</h1>\",\"screenshotOptions\":{\"type\":\"jpeg\",\"quality\":70}}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        assertThat(response.body()).startsWith(0xFF, 0xD8, 0xFF);
    }

    @Test
    void aFullPageScreenshotOfAMultiMegabytePageArrivesWhole() {
        HttpResponse<byte[]> response = client.post(QUICK + "screenshot", "{\"url\":\"" + pages.url("/noise")
                + "\",\"viewport\":{\"width\":1000,\"height\":500},\"screenshotOptions\":{\"fullPage\":true}}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body().length).isGreaterThan(2_000_000);
        assertThat(pngSize(response.body())).containsExactly(1000, 2000);
    }

    @Test
    void aPdfStartsWithThePdfMagic() {
        HttpResponse<byte[]> response = client.post(QUICK + "pdf",
                "{\"url\":\"" + pages.url("/hello") + "\",\"pdfOptions\":{\"format\":\"A4\",\"landscape\":true}}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/pdf");
        assertThat(new String(response.body(), 0, 5, StandardCharsets.ISO_8859_1)).isEqualTo("%PDF-");
    }

    @Test
    void contentReturnsThePageWithItsDoctypeAndText() {
        JsonNode body = AgentClient.json(client.post(QUICK + "content", "{\"url\":\"" + pages.url("/hello") + "\"}"));

        assertThat(body.path("success").asBoolean()).isTrue();
        assertThat(body.path("result").asText()).startsWith("<!DOCTYPE html>").contains("Hello from warmpool");
    }

    @Test
    void htmlInputIsRenderedWithoutAUrl() {
        JsonNode body = AgentClient.json(client.post(QUICK + "content",
                "{\"html\":\"<p id='x'>inline <b>html</b></p><script>document.getElementById('x').dataset.ran = 'yes'</script>\"}"));

        assertThat(body.path("result").asText()).contains("<b>html</b>").contains("data-ran=\"yes\"");
    }

    @Test
    void waitForSelectorWaitsForAnElementAScriptAddsLater() {
        long t0 = System.nanoTime();
        HttpResponse<byte[]> response = client.post(QUICK + "content", "{\"url\":\"" + pages.url("/late")
                + "\",\"waitForSelector\":{\"selector\":\"#late\",\"timeout\":5000,\"visible\":true}}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(AgentClient.json(response).path("result").asText()).contains("arrived late");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void networkIdleWaitsForARequestMadeAfterLoad() {
        JsonNode body = AgentClient.json(client.post(QUICK + "content", "{\"url\":\"" + pages.url("/fetch-after-load")
                + "\",\"gotoOptions\":{\"waitUntil\":\"networkidle0\",\"timeout\":10000}}"));

        assertThat(body.path("result").asText()).contains("fetched late");
    }

    @Test
    void aSelectorThatNeverAppearsIsAnActionTimeout() {
        HttpResponse<byte[]> response = client.post(QUICK + "content",
                "{\"html\":\"<p>nothing</p>\",\"waitForSelector\":{\"selector\":\"#never\",\"timeout\":400}}");

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(AgentClient.errorCode(response)).isEqualTo("action_timeout");
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("waitForSelector '#never'");
        assertThat(response.headers().firstValue("X-Browser-Ms-Used")).isPresent();
    }

    @Test
    void aLoadThatNeverFinishesIsAnActionTimeoutNamingTheWait() {
        HttpResponse<byte[]> response = client.post(QUICK + "screenshot", "{\"url\":\"" + pages.url("/hanging-image")
                + "\",\"gotoOptions\":{\"waitUntil\":\"load\",\"timeout\":500}}");

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(AgentClient.errorCode(response)).isEqualTo("action_timeout");
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("waitUntil 'load'");
    }

    @Test
    void aNavigationToAClosedPortIsANavigationFailure() throws Exception {
        HttpResponse<byte[]> response = client.post(QUICK + "screenshot",
                "{\"url\":\"http://127.0.0.1:" + TestPages.closedPort() + "/\"}");

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(AgentClient.errorCode(response)).isEqualTo("navigation_failed");
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("net::ERR_CONNECTION_REFUSED");
    }

    @Test
    void anInvalidRequestIsRejectedWithTheValidationCode() {
        HttpResponse<byte[]> both = client.post(QUICK + "content", "{\"url\":\"http://a.test/\",\"html\":\"<p>\"}");
        HttpResponse<byte[]> garbage = client.post(QUICK + "content", "{not json");
        HttpResponse<byte[]> unknownAction = client.post(QUICK + "video", "{\"html\":\"<p>\"}");
        HttpResponse<byte[]> badSelector = client.post(QUICK + "content",
                "{\"html\":\"<p>\",\"waitForSelector\":{\"selector\":\"##x\",\"timeout\":1000}}");

        assertThat(both.statusCode()).isEqualTo(400);
        assertThat(AgentClient.errorCode(both)).isEqualTo("invalid_field");
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(AgentClient.errorCode(garbage)).isEqualTo("invalid_json");
        assertThat(unknownAction.statusCode()).isEqualTo(404);
        assertThat(AgentClient.errorCode(unknownAction)).isEqualTo("unknown_action");
        assertThat(badSelector.statusCode()).isEqualTo(400);
        assertThat(AgentClient.json(badSelector).path("errors").path(0).path("message").asText())
                .contains("'##x' is not a valid selector").doesNotContain("\n");
    }

    @Test
    void aQuickActionOnAnUnknownInstanceIsNotFound() {
        HttpResponse<byte[]> response = client.post("/instances/nobody/quick/content", "{\"html\":\"<p>\"}");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(AgentClient.errorCode(response)).isEqualTo("instance_not_found");
        assertThat(response.headers().firstValue("X-Browser-Ms-Used")).hasValue("0");
    }

    @Test
    void quickActionsRunConcurrentlyOnOneBrowserEachInItsOwnContext() throws Exception {
        List<Future<JsonNode>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 4; i++) {
                String html = "<p>page " + i + "</p><script>localStorage.setItem('k', '" + i + "');"
                        + "document.body.dataset.seen = String(document.cookie.length)</script>";
                results.add(pool.submit(() -> AgentClient.json(client.post(QUICK + "content",
                        AgentClient.JSON.writeValueAsString(java.util.Map.of("html", html))))));
            }
            for (int i = 0; i < 4; i++) {
                JsonNode answer = results.get(i).get();
                assertThat(answer.path("result").asText()).as("%s", answer).contains("page " + i);
            }
        }
    }

    @Test
    void everyQuickActionDisposesItsContextEvenWhenItFails() throws Exception {
        client.post(QUICK + "content", "{\"html\":\"<p>fine</p>\"}");
        client.post(QUICK + "content", "{\"html\":\"<p>x</p>\",\"waitForSelector\":{\"selector\":\"#no\",\"timeout\":100}}");
        String cdpUrl = AgentClient.json(client.get("/instances")).path(0).path("cdpUrl").asText();

        try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
             CdpConnection cdp = CdpConnection.open(http, java.net.URI.create(cdpUrl), AgentClient.JSON, Duration.ofSeconds(5))) {
            // at most the spare page's context remains, ready for the next action
            assertThat(Processes.await(Duration.ofSeconds(10), () -> cdp.call("Target.getBrowserContexts", null, null,
                    Duration.ofSeconds(5)).path("browserContextIds").size() <= 1)).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "an inline script that never yields | {\"html\":\"<p>x</p><script>while(true){}</script>\",\"gotoOptions\":{\"timeout\":1000}}",
            "a loaded page that loops | {\"url\":\"PAGES/loop\",\"gotoOptions\":{\"timeout\":1000}}",
            "a server that accepts and never answers | {\"url\":\"SILENT\",\"gotoOptions\":{\"timeout\":1000}}"})
    void aHungPageIsCutOffAtTheTimeoutAndTheBrowserServesTheNextAction(String what, String body) throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 8, java.net.InetAddress.getByName("127.0.0.1"))) {
            Thread.ofVirtual().start(() -> {
                List<java.net.Socket> held = new ArrayList<>();
                while (!silent.isClosed()) {
                    try {
                        held.add(silent.accept()); // and never answer
                    } catch (java.io.IOException e) {
                        held.forEach(s -> { try { s.close(); } catch (java.io.IOException ignored) { } });
                    }
                }
            });
            long t0 = System.nanoTime();
            HttpResponse<byte[]> hung = client.post(QUICK + "screenshot", body.replace("PAGES", pages.url(""))
                    .replace("SILENT", "http://127.0.0.1:" + silent.getLocalPort() + "/"));

            assertThat(hung.statusCode()).as(new String(hung.body(), StandardCharsets.UTF_8)).isEqualTo(422);
            assertThat(AgentClient.errorCode(hung)).isEqualTo("action_timeout");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("timeout 1 s plus slack").isLessThan(Duration.ofSeconds(8));
        }
        HttpResponse<byte[]> next = client.post(QUICK + "screenshot", "{\"url\":\"" + pages.url("/hello") + "\"}");

        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(AgentClient.json(client.get("/instances")).path(0).path("alive").asBoolean()).isTrue();
    }

    /** Width and height from a PNG's IHDR chunk. */
    private static List<Integer> pngSize(byte[] png) {
        ByteBuffer buffer = ByteBuffer.wrap(png);
        return List.of(buffer.getInt(16), buffer.getInt(20));
    }
}
