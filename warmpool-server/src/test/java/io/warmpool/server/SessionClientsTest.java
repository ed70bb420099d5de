package io.warmpool.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.warmpool.core.PoolSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static io.warmpool.server.TestGateway.await;
import static io.warmpool.server.TestGateway.json;
import static org.assertj.core.api.Assertions.assertThat;

/** Puppeteer and Playwright, unchanged, driving warm browsers through the gateway's sessions. */
class SessionClientsTest {
    static final String BUTTON_PAGE = "<!doctype html><html><body><button id=go onclick=\"const o=document"
            + ".getElementById('out'); o.textContent='clicked!'; o.className='done'\">Go</button>"
            + "<p id=out>not yet</p></body></html>";

    @TempDir
    static Path dir;
    static TestGateway gw;
    static TestPages pages;

    @BeforeAll
    static void start() {
        pages = new TestPages(Map.of("/button", BUTTON_PAGE));
        gw = new TestGateway(dir, PoolSettings.builder("browser").minIdle(2).maxSize(4).build());
        assertThat(await(Duration.ofSeconds(60), () -> gw.pool("weur").get("warm").asInt() >= 2)).isTrue();
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
            assertThat(gw.browserProcesses()).isZero();
        }
        pages.close();
    }

    private static String session(String id) {
        JsonNode s = json(gw.send("POST", "/v1/sessions", "{\"sessionId\":\"" + id + "\",\"keepAlive\":\"PT60S\"}"));
        return s.get("webSocketDebuggerUrl").asText();
    }

    @Test
    void puppeteerConnectsClicksReadsTextAndTakesAScreenshot() {
        String ws = session("pptr-1");

        JsonNode r = NodeScript.run("puppeteer-session.js", ws, pages.url("/button"));

        assertThat(r.get("text").asText()).isEqualTo("clicked!");
        assertThat(r.get("pngMagic").asText()).isEqualTo("PNG");
        assertThat(r.get("pngBytes").asInt()).isGreaterThan(1000);
        assertThat(r.get("version").asText()).contains("Chrom");
        gw.send("DELETE", "/v1/sessions/pptr-1", null);
    }

    @Test
    void playwrightConnectsOverCdpWithAWebSocketOrAnHttpEndpoint() {
        String ws = session("pw-1");
        JsonNode byWs = NodeScript.run("playwright-session.js", ws, pages.url("/button"));
        assertThat(byWs.get("text").asText()).isEqualTo("clicked!");
        assertThat(byWs.get("pngMagic").asText()).isEqualTo("PNG");

        JsonNode byHttp = NodeScript.run("playwright-session.js", gw.gateway.url() + "/v1/sessions/pw-1",
                pages.url("/button"));
        assertThat(byHttp.get("text").asText()).isEqualTo("clicked!");
        gw.send("DELETE", "/v1/sessions/pw-1", null);
    }

    @Test
    void jsonVersionAndListAnswerLikeChromiumPointingAtTheGateway() {
        String ws = session("json-1");
        JsonNode version = json(gw.send("GET", "/v1/sessions/json-1/json/version", null));
        assertThat(version.get("Browser").asText()).contains("Chrome");
        assertThat(version.get("webSocketDebuggerUrl").asText()).isEqualTo(ws);
        JsonNode list = json(gw.send("GET", "/v1/sessions/json-1/json/list", null));
        assertThat(list).isNotEmpty();
        assertThat(list.get(0).get("webSocketDebuggerUrl").asText()).contains("/v1/sessions/json-1/devtools/page/");
        gw.send("DELETE", "/v1/sessions/json-1", null);
        assertThat(gw.send("GET", "/v1/sessions/json-1/json/version", null).statusCode()).isEqualTo(404);
    }

    @Test
    void reconnectingToTheSameSessionFindsItsPageStillOpen() {
        String ws = session("again-1");
        NodeScript.run("puppeteer-session.js", ws, pages.url("/button"));

        String same = json(gw.send("POST", "/v1/sessions", "{\"sessionId\":\"again-1\"}")).get("webSocketDebuggerUrl").asText();
        JsonNode pagesSeen = NodeScript.run("list-pages.js", same);

        assertThat(pagesSeen.get("urls").toString()).contains("/button");
        gw.send("DELETE", "/v1/sessions/again-1", null);
    }

    @Test
    void releasingASessionClosesItsConnectionsAndTheNextHolderGetsACleanBrowser() {
        String ws = session("rel-1");
        NodeScript.run("puppeteer-session.js", ws, pages.url("/button"));
        String instance = json(gw.send("GET", "/v1/sessions/rel-1", null)).get("instanceId").asText();
        try (NodeScript waiting = NodeScript.start("list-pages.js", ws, "wait")) {
            assertThat(waiting.nextLine().get("waiting").asBoolean()).isTrue();

            assertThat(gw.send("DELETE", "/v1/sessions/rel-1", null).statusCode()).isEqualTo(204);

            JsonNode end = waiting.nextLine();
            assertThat(end.get("disconnected").asBoolean()).isTrue();
            assertThat(end.get("afterMs").asLong()).isLessThan(10_000);
        }
        // whoever gets that instance next finds none of the old pages
        assertThat(await(Duration.ofSeconds(20), () -> gw.gateway.regions().get("weur").shard().find(instance)
                .map(i -> i.state() == io.warmpool.InstanceState.WARM).orElse(true))).isTrue();
        for (int i = 0; i < 4; i++) {
            JsonNode s = json(gw.send("POST", "/v1/sessions", "{\"sessionId\":\"next-" + i + "\"}"));
            if (s.get("instanceId").asText().equals(instance)) {
                JsonNode seen = NodeScript.run("list-pages.js", s.get("webSocketDebuggerUrl").asText());
                assertThat(seen.get("urls").toString()).doesNotContain("/button");
            }
        }
        for (int i = 0; i < 4; i++) {
            gw.send("DELETE", "/v1/sessions/next-" + i, null);
        }
    }

    @Test
    void oneStepAcquireAndConnectWorksForPuppeteerAndEndsWithTheSocket() {
        String ws = "ws://127.0.0.1:" + gw.gateway.port() + "/v1/devtools?pool=browser&location=LHR&keepAlive=PT60S";
        int claimedBefore = gw.pool("weur").get("claimed").asInt();

        JsonNode r = NodeScript.run("puppeteer-session.js", ws, pages.url("/button"));

        assertThat(r.get("text").asText()).isEqualTo("clicked!");
        assertThat(await(Duration.ofSeconds(10), () -> gw.pool("weur").get("claimed").asInt() == claimedBefore))
                .as("the one-step session ended with its socket").isTrue();
        assertThat(CdpClient.handshakeStatus("ws://127.0.0.1:" + gw.gateway.port() + "/v1/devtools?pool=nope"))
                .isEqualTo(400);
        assertThat(CdpClient.handshakeStatus("ws://127.0.0.1:" + gw.gateway.port() + "/v1/devtools?location=XXX"))
                .isEqualTo(400);
    }
}
