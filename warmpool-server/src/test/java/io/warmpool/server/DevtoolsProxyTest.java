package io.warmpool.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.warmpool.core.PoolSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.warmpool.server.TestGateway.await;
import static io.warmpool.server.TestGateway.json;
import static org.assertj.core.api.Assertions.assertThat;

/** The CDP WebSocket proxy against a real browser: large frames, many in flight, vanishing clients, bad ids. */
class DevtoolsProxyTest {
    @TempDir
    static Path dir;
    static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = new TestGateway(dir, PoolSettings.builder("browser").minIdle(1).maxSize(3).build());
        assertThat(await(Duration.ofSeconds(60), () -> gw.pool("weur").get("warm").asInt() >= 1)).isTrue();
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    private static String session(String id) {
        return json(gw.send("POST", "/v1/sessions", "{\"sessionId\":\"" + id + "\"}")).get("webSocketDebuggerUrl").asText();
    }

    private static String attachToNewPage(CdpClient cdp) {
        String target = cdp.call(1, "Target.createTarget", "{\"url\":\"about:blank\"}").get("result").get("targetId").asText();
        return cdp.call(2, "Target.attachToTarget", "{\"targetId\":\"" + target + "\",\"flatten\":true}")
                .get("result").get("sessionId").asText();
    }

    @Test
    void fiveMegabyteFramesPassBothWays() {
        try (CdpClient cdp = new CdpClient(session("big-1"))) {
            String page = attachToNewPage(cdp);
            String big = "a".repeat(5 * 1024 * 1024);

            String up = "{\"id\":3,\"sessionId\":\"" + page + "\",\"method\":\"Runtime.evaluate\",\"params\":"
                    + "{\"expression\":\"'" + big + "'.length\",\"returnByValue\":true}}";
            CompletableFuture<JsonNode> upAnswer = cdp.sendRaw(3, up);
            assertThat(upAnswer.join().get("result").get("result").get("value").asInt()).isEqualTo(big.length());

            JsonNode down = cdp.sendRaw(4, "{\"id\":4,\"sessionId\":\"" + page + "\",\"method\":\"Runtime.evaluate\","
                    + "\"params\":{\"expression\":\"'b'.repeat(5*1024*1024)\",\"returnByValue\":true}}").join();
            assertThat(down.get("result").get("result").get("value").asText()).hasSize(5 * 1024 * 1024);
        }
        gw.send("DELETE", "/v1/sessions/big-1", null);
    }

    @Test
    void twoHundredMessagesInFlightAllComeBack() {
        try (CdpClient cdp = new CdpClient(session("many-1"))) {
            // one round trip first: before the browser end is open the proxy buffers at most 128 (then 1009)
            cdp.call(1000, "Browser.getVersion", "{}");
            List<CompletableFuture<JsonNode>> answers = new ArrayList<>();
            for (int i = 1; i <= 200; i++) {
                answers.add(cdp.send(i, "Browser.getVersion", "{}"));
            }
            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).orTimeout(30, TimeUnit.SECONDS).join();
            for (int i = 0; i < 200; i++) {
                assertThat(answers.get(i).join().get("id").asInt()).isEqualTo(i + 1);
                assertThat(answers.get(i).join().get("result").get("product").asText()).contains("Chrome");
            }
        }
        gw.send("DELETE", "/v1/sessions/many-1", null);
    }

    @Test
    void aClientThatVanishesMidMessageLeavesNothingBehind() throws Exception {
        String url = session("vanish-1");
        URI ws = URI.create(url);
        try (Socket raw = new Socket(ws.getHost(), ws.getPort())) {
            OutputStream out = raw.getOutputStream();
            out.write(("GET " + ws.getRawPath() + "?" + ws.getRawQuery() + " HTTP/1.1\r\nHost: " + ws.getHost() + ":" + ws.getPort()
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] head = new byte[12];
            assertThat(raw.getInputStream().read(head)).isPositive();
            assertThat(new String(head, StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 101");
            assertThat(await(Duration.ofSeconds(5), () -> json(gw.send("GET", "/healthz", null))
                    .get("devtoolsConnections").asInt() == 1)).isTrue();
            // a masked text frame announcing 1000 bytes, of which only 10 arrive before the client dies
            out.write(new byte[]{(byte) 0x81, (byte) (0x80 | 126), 0x03, (byte) 0xE8, 1, 2, 3, 4});
            out.write("{\"id\":1,\"".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            raw.setSoLinger(true, 0); // RST, no close frame
        }
        assertThat(await(Duration.ofSeconds(40), () -> json(gw.send("GET", "/healthz", null))
                .get("devtoolsConnections").asInt() == 0)).as("the proxy forgot the dead client").isTrue();
        try (CdpClient again = new CdpClient(url)) {
            assertThat(again.call(1, "Browser.getVersion", "{}").get("result")).isNotNull();
        }
        gw.send("DELETE", "/v1/sessions/vanish-1", null);
    }

    @Test
    void unknownReleasedOrGuessedIdsAreRefusedBeforeAnyUpgrade() {
        String live = session("owner-1");
        String instance = json(gw.send("GET", "/v1/sessions/owner-1", null)).get("instanceId").asText();
        String base = live.substring(0, live.indexOf("/v1/sessions/"));

        assertThat(CdpClient.handshakeStatus(base + "/v1/sessions/nobody/devtools/browser")).isEqualTo(404);
        assertThat(CdpClient.handshakeStatus(base + "/v1/sessions/" + instance + "/devtools/browser")).isEqualTo(404);
        assertThat(CdpClient.handshakeStatus(base + "/v1/sessions/owner-1/devtools/secret/../../x")).isIn(400, 404);

        gw.send("DELETE", "/v1/sessions/owner-1", null);
        assertThat(CdpClient.handshakeStatus(live)).isEqualTo(404);
    }


    @Test
    void cdpTrafficKeepsASessionAliveAndSilenceLetsItIdleOutClosingTheSocket() throws Exception {
        String url = json(gw.send("POST", "/v1/sessions", "{\"sessionId\":\"idle-1\",\"keepAlive\":\"PT3S\"}"))
                .get("webSocketDebuggerUrl").asText();
        try (CdpClient cdp = new CdpClient(url)) {
            long until = System.nanoTime() + Duration.ofSeconds(6).toNanos();
            int id = 1;
            while (System.nanoTime() < until) {
                cdp.call(id++, "Browser.getVersion", "{}");
                assertThat(await(Duration.ofMillis(700), () -> false)).isFalse(); // pace the traffic, ~1 message per 0.7 s
            }
            assertThat(gw.send("GET", "/v1/sessions/idle-1", null).statusCode()).as("busy for 6 s > keepAlive 3 s").isEqualTo(200);

            assertThat(cdp.closeCode.get(15, TimeUnit.SECONDS)).as("silent past keepAlive: closed by the gateway")
                    .isEqualTo(4000);
        }
        assertThat(gw.send("GET", "/v1/sessions/idle-1", null).statusCode()).isEqualTo(404);
    }
}
