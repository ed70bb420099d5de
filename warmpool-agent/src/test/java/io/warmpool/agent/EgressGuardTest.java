package io.warmpool.agent;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The egress guard with real Chromium and real sockets: one agent with no allow-list, one allowing only
 * 127.0.0.1 (there is no internet here, so "allowed" pages are served on 127.0.0.1).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EgressGuardTest {
    @TempDir
    static Path dataDir;
    private TestPages pages;
    private Agent strict;
    private Agent allowing;
    private AgentClient strictClient;
    private AgentClient allowingClient;

    @BeforeAll
    void start() throws Exception {
        pages = new TestPages();
        int port = pages.port();
        pages.redirect("/to-127-0-0-2", "http://127.0.0.2:" + port + "/hello");
        pages.page("/metadata", "<!DOCTYPE html><html><body><h1>still here</h1>"
                + "<img src='http://169.254.169.254/latest/meta-data'></body></html>");
        pages.page("/fetch-and-socket", "<!DOCTYPE html><html><body><script>"
                + "const f = fetch('http://10.1.2.3/').then(r => 'status ' + r.status, e => 'error');"
                + "const w = new Promise(done => { const s = new WebSocket('ws://127.0.0.2:" + port + "/');"
                + " s.onerror = () => done('ws error'); s.onopen = () => done('ws open'); });"
                + "Promise.all([f, w]).then(r => { const d = document.createElement('p'); d.id = 'done';"
                + " d.textContent = r.join(' / '); document.body.appendChild(d); });</script></body></html>");
        // the strict agent runs the headless shell (the default browser), the allowing one full Chromium: the guard
        // holds for both
        strict = Agent.start(AgentConfig.fromArgs("--agent-id", "strict", "--region", "weur", "--zone", "z1",
                "--port", "0", "--chromium", "/usr/bin/chromium", "--headless-shell", "/usr/bin/chromium-headless-shell",
                "--data-dir", dataDir.toString()));
        allowing = Agent.start(AgentConfig.fromArgs("--agent-id", "allowing", "--region", "weur", "--zone", "z1",
                "--port", "0", "--chromium", "/usr/bin/chromium", "--data-dir", dataDir.toString(),
                "--allow", "127.0.0.1/32"));
        strictClient = new AgentClient(strict.url());
        allowingClient = new AgentClient(allowing.url());
        strictClient.start("s1");
        allowingClient.start("a1");
    }

    @AfterAll
    void stop() {
        strict.close();
        allowing.close();
        strictClient.close();
        allowingClient.close();
        pages.close();
        assertThat(Processes.await(Duration.ofSeconds(5), () -> Processes.mentioning(dataDir).isEmpty()))
                .as("no process left under %s", dataDir).isTrue();
    }

    @ParameterizedTest(name = "{0} is blocked ({2})")
    @CsvSource({
            "http://127.0.0.1:PORT/hello, 127.0.0.1, loopback",
            "http://[::1]:PORT/hello, ::1, loopback",
            "http://localhost:PORT/hello, localhost, loopback",
            "http://[::ffff:127.0.0.1]:PORT/hello, ::ffff:127.0.0.1 is 127.0.0.1, loopback",
            "http://0.0.0.0:PORT/hello, 0.0.0.0, unspecified",
            "http://169.254.169.254/latest/meta-data, 169.254.169.254, link-local",
            "http://10.1.2.3/, 10.1.2.3, private",
            "https://192.168.0.1/, 192.168.0.1, private"})
    void withoutAnAllowListATopLevelUrlInsideIsBlocked(String url, String host, String reason) {
        HttpResponse<byte[]> response = strictClient.post("/instances/s1/quick/screenshot",
                "{\"url\":\"" + url.replace("PORT", Integer.toString(pages.port())) + "\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(AgentClient.errorCode(response)).isEqualTo("blocked_url");
        assertThat(message(response)).contains("host " + host).contains(reason);
    }

    @Test
    void anAllowedPageRendersAndReportsNothingBlocked() {
        HttpResponse<byte[]> response = allowingClient.post("/instances/a1/quick/content",
                "{\"url\":\"" + pages.url("/hello") + "\"}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(AgentClient.json(response).path("result").asText()).contains("Hello from warmpool");
        assertThat(response.headers().firstValue("X-Warmpool-Blocked")).hasValue("0");
        assertThat(response.headers().firstValue("X-Warmpool-Blocked-Urls")).isEmpty();
    }

    @Test
    void aRedirectFromAnAllowedHostToAnotherLoopbackAddressIsBlocked() {
        HttpResponse<byte[]> response = allowingClient.post("/instances/a1/quick/screenshot",
                "{\"url\":\"" + pages.url("/to-127-0-0-2") + "\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(AgentClient.errorCode(response)).isEqualTo("blocked_url");
        assertThat(message(response)).contains("host 127.0.0.2").contains("loopback")
                .contains("http://127.0.0.2:" + pages.port() + "/hello");
    }

    @Test
    void aBlockedSubresourceLeavesThePageRenderedAndIsReported() {
        HttpResponse<byte[]> response = allowingClient.post("/instances/a1/quick/content",
                "{\"url\":\"" + pages.url("/metadata") + "\"}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(AgentClient.json(response).path("result").asText()).contains("still here");
        assertThat(response.headers().firstValue("X-Warmpool-Blocked")).hasValue("1");
        assertThat(response.headers().firstValue("X-Warmpool-Blocked-Urls"))
                .hasValue("http://169.254.169.254/latest/meta-data");
    }

    @Test
    void fetchAndWebSocketToInsideAddressesAreBothBlockedAndReported() {
        HttpResponse<byte[]> response = allowingClient.post("/instances/a1/quick/content", "{\"url\":\""
                + pages.url("/fetch-and-socket") + "\",\"waitForSelector\":{\"selector\":\"#done\",\"timeout\":10000}}");

        assertThat(response.statusCode()).isEqualTo(200);
        // a cross-origin 403 without CORS headers is a network error to the page, like the failed WebSocket
        assertThat(AgentClient.json(response).path("result").asText()).contains("error / ws error");
        assertThat(response.headers().firstValue("X-Warmpool-Blocked")).hasValue("2");
        assertThat(response.headers().firstValue("X-Warmpool-Blocked-Urls").orElse(""))
                .contains("http://10.1.2.3/").contains("127.0.0.2:" + pages.port());
    }

    @Test
    void aFrameOnALocalSchemeIsNeverCaptured() {
        HttpResponse<byte[]> response = allowingClient.post("/instances/a1/quick/content",
                "{\"html\":\"<iframe src='file:///etc/passwd'></iframe><script>location.href = 'file:///etc/passwd'</script>\"}");

        assertThat(new String(response.body(), StandardCharsets.UTF_8)).doesNotContain("root:x:0:0");
    }

    @Test
    void pagesThatACdpSessionClientOpensGoThroughTheBrowserWideGuardToo() throws Exception {
        String cdpUrl = AgentClient.json(strictClient.get("/instances")).path(0).path("cdpUrl").asText();
        Duration timeout = Duration.ofSeconds(10);
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
             io.warmpool.agent.internal.CdpConnection cdp = io.warmpool.agent.internal.CdpConnection.open(http,
                     java.net.URI.create(cdpUrl), AgentClient.JSON, timeout)) {
            String targetId = cdp.call("Target.createTarget", java.util.Map.of("url", pages.url("/hello")), null, timeout)
                    .path("targetId").asText();
            String session = cdp.call("Target.attachToTarget", java.util.Map.of("targetId", targetId, "flatten", true),
                    null, timeout).path("sessionId").asText();

            assertThat(Processes.await(timeout, () -> cdp.call("Runtime.evaluate", java.util.Map.of("expression",
                    "document.body ? document.body.innerText : ''", "returnByValue", true), session, timeout)
                    .path("result").path("value").asText().contains("warmpool egress guard"))).isTrue();
            cdp.call("Target.closeTarget", java.util.Map.of("targetId", targetId), null, timeout);
        }
    }

    private static String message(HttpResponse<byte[]> response) {
        return AgentClient.json(response).path("errors").path(0).path("message").asText();
    }
}
