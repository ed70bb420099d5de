package io.warmpool.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.warmpool.agent.internal.CdpConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spare pages (a blank page in a fresh context, prepared off the request path) on a real headless shell: one is
 * ready once the browser is up, a used one is never handed out again, a reset replaces it, and a browser that dies
 * in the middle of an action is reported dead while the agent goes on serving others.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SparePageTest {
    private static final Duration CDP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    static Path dataDir;
    private TestPages pages;
    private Agent agent;
    private AgentClient client;
    private final CountDownLatch stuckRequestArrived = new CountDownLatch(1);
    private final CountDownLatch releaseStuck = new CountDownLatch(1);

    @BeforeAll
    void start() throws Exception {
        pages = new TestPages();
        pages.handle("/stuck", exchange -> {
            stuckRequestArrived.countDown();
            try {
                releaseStuck.await(20, TimeUnit.SECONDS); // bounded: the test releases it in the end
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            TestPages.respond(exchange, "text/html", "<p>late</p>");
        });
        agent = Agent.start(AgentConfig.fromArgs("--agent-id", "spare", "--region", "weur", "--zone", "z1",
                "--port", "0", "--chromium", "/usr/bin/chromium", "--headless-shell", "/usr/bin/chromium-headless-shell",
                "--data-dir", dataDir.toString(), "--allow", "127.0.0.1/32"));
        client = new AgentClient(agent.url());
    }

    @AfterAll
    void stop() {
        releaseStuck.countDown();
        agent.close();
        client.close();
        pages.close();
        assertThat(Processes.await(Duration.ofSeconds(5), () -> Processes.mentioning(dataDir).isEmpty()))
                .as("no process left under %s", dataDir).isTrue();
        assertThat(Processes.await(Duration.ofSeconds(5), () -> Processes.agentThreads().isEmpty()))
                .as("no agent thread left: %s", Processes.agentThreads()).isTrue();
    }

    @Test
    void aSpareIsReadyOnceTheBrowserIsUpAndEachActionLeavesAFreshOne() throws Exception {
        String cdpUrl = client.start("fresh").path("cdpUrl").asText();
        try (HttpClient http = HttpClient.newHttpClient();
             CdpConnection cdp = CdpConnection.open(http, URI.create(cdpUrl), AgentClient.JSON, CDP_TIMEOUT)) {
            String first = awaitOneContext(cdp, null);
            List<String> seen = new ArrayList<>(List.of(first));

            for (int i = 0; i < 3; i++) {
                HttpResponse<byte[]> r = client.post("/instances/fresh/quick/content", "{\"html\":\"<p>n" + i + "</p>\"}");
                assertThat(AgentClient.json(r).path("result").asText()).contains("n" + i);
                String next = awaitOneContext(cdp, seen.getLast());
                assertThat(seen).as("a context is never used twice").doesNotContain(next);
                seen.add(next);
            }
        }
        client.delete("/instances/fresh");
    }

    @Test
    void theNextSpareIsMadeAtTheSizeTheLastActionAskedFor() throws Exception {
        String cdpUrl = client.start("sized").path("cdpUrl").asText();
        try (HttpClient http = HttpClient.newHttpClient();
             CdpConnection cdp = CdpConnection.open(http, URI.create(cdpUrl), AgentClient.JSON, CDP_TIMEOUT)) {
            String first = awaitOneContext(cdp, null);
            assertThat(viewportOf(cdp, first)).as("before any action: the default viewport").isEqualTo("1920x1080");

            HttpResponse<byte[]> r = client.post("/instances/sized/quick/content",
                    "{\"html\":\"<p>small</p>\",\"viewport\":{\"width\":1000,\"height\":700}}");
            assertThat(r.statusCode()).isEqualTo(200);

            assertThat(viewportOf(cdp, awaitOneContext(cdp, first))).isEqualTo("1000x700");
        }
        client.delete("/instances/sized");
    }

    @Test
    void aResetDisposesTheSpareAndPreparesANewOne() throws Exception {
        String cdpUrl = client.start("after-session").path("cdpUrl").asText();
        try (HttpClient http = HttpClient.newHttpClient();
             CdpConnection cdp = CdpConnection.open(http, URI.create(cdpUrl), AgentClient.JSON, CDP_TIMEOUT)) {
            String before = awaitOneContext(cdp, null);

            assertThat(client.post("/instances/after-session/reset", "").statusCode()).isEqualTo(200);

            String after = awaitOneContext(cdp, before);
            assertThat(after).isNotEqualTo(before);
            HttpResponse<byte[]> r = client.post("/instances/after-session/quick/content", "{\"html\":\"<p>next</p>\"}");
            assertThat(AgentClient.json(r).path("result").asText()).contains("next");
        }
        client.delete("/instances/after-session");
    }

    @Test
    void aBrowserKilledInTheMiddleOfAnActionIsReportedDeadAndTheAgentServesANewOne() throws Exception {
        long pid = client.start("doomed").path("pid").asLong();
        AtomicReference<HttpResponse<byte[]>> answer = new AtomicReference<>();
        CompletableFuture<Void> action = CompletableFuture.runAsync(() -> answer.set(client.post(
                "/instances/doomed/quick/screenshot", "{\"url\":\"" + pages.url("/stuck") + "\"}")));
        assertThat(stuckRequestArrived.await(20, TimeUnit.SECONDS)).as("the page's request reached the server").isTrue();

        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        action.get(30, TimeUnit.SECONDS);

        assertThat(answer.get().statusCode()).isEqualTo(410);
        assertThat(AgentClient.errorCode(answer.get())).isEqualTo("instance_dead");
        assertThat(Processes.await(WAIT, () -> !AgentClient.json(client.get("/instances"))
                .findValuesAsText("instanceId").contains("doomed"))).as("the dead instance is forgotten").isTrue();
        assertThat(Processes.await(WAIT, () -> Processes.chromiumUnder(dataDir).stream()
                .noneMatch(p -> p.info().commandLine().orElse("").contains("doomed")))).as("nothing of it is left").isTrue();
        client.start("phoenix");
        HttpResponse<byte[]> next = client.post("/instances/phoenix/quick/content", "{\"html\":\"<p>alive</p>\"}");
        assertThat(AgentClient.json(next).path("result").asText()).contains("alive");
        client.delete("/instances/phoenix");
    }

    /**
     * The inner size of the page in browser context {@code contextId}, as "WxH", once the agent has sized it (a page
     * not yet sized has the headless window's 800x600, which no test here asks for).
     */
    private static String viewportOf(CdpConnection cdp, String contextId) {
        AtomicReference<String> size = new AtomicReference<>();
        assertThat(Processes.await(WAIT, () -> {
            for (JsonNode t : cdp.call("Target.getTargets", null, null, CDP_TIMEOUT).path("targetInfos")) {
                if (t.path("type").asText().equals("page") && t.path("browserContextId").asText().equals(contextId)) {
                    String session = cdp.call("Target.attachToTarget", java.util.Map.of("targetId",
                            t.path("targetId").asText(), "flatten", true), null, CDP_TIMEOUT).path("sessionId").asText();
                    size.set(cdp.call("Runtime.evaluate", java.util.Map.of("expression",
                            "innerWidth + 'x' + innerHeight", "returnByValue", true), session, CDP_TIMEOUT)
                            .path("result").path("value").asText());
                    cdp.call("Target.detachFromTarget", java.util.Map.of("sessionId", session), null, CDP_TIMEOUT);
                    return !size.get().equals("800x600");
                }
            }
            return false;
        })).as("a page in context %s", contextId).isTrue();
        return size.get();
    }

    /** Waits until the browser has exactly one context (the spare) other than {@code not}, and returns its id. */
    private static String awaitOneContext(CdpConnection cdp, String not) {
        AtomicReference<String> found = new AtomicReference<>();
        boolean ok = Processes.await(WAIT, () -> {
            JsonNode ids = cdp.call("Target.getBrowserContexts", null, null, CDP_TIMEOUT).path("browserContextIds");
            if (ids.size() == 1 && !ids.get(0).asText().equals(not)) {
                found.set(ids.get(0).asText());
                return true;
            }
            return false;
        });
        assertThat(ok).as("one spare context other than %s", not).isTrue();
        return found.get();
    }
}
