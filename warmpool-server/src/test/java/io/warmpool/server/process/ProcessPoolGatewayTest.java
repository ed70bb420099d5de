package io.warmpool.server.process;

import com.fasterxml.jackson.databind.JsonNode;
import io.warmpool.testkit.PooledHttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

/** Process pools in a real gateway: real Python processes, reached through the session proxy. */
class ProcessPoolGatewayTest {
    @TempDir
    Path dir;
    private ProcessGateway gw;

    @AfterEach
    void noOrphans() {
        if (gw != null) {
            gw.close();
            assertThat(PooledHttpServer.await(Duration.ofSeconds(5), () -> gw.processes().isEmpty()))
                    .as("processes left: " + gw.processes()).isTrue();
        }
    }

    private String echoPool(String extra) {
        return """
                {"echo": {"template": {"process": {"command": %s, "readiness": {"http": "http://127.0.0.1:{port}/health"},
                  "startTimeout": "PT10S", "stopTimeout": "PT1S", "reset": {"httpCall": "http://127.0.0.1:{port}/reset"}}},
                  "minIdle": 2, "maxSize": 4 %s}}""".formatted(json(PooledHttpServer.command(dir)), extra);
    }

    private static String json(Object o) {
        try {
            return ProcessGateway.JSON.writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hash(String key) throws Exception {
        return "sha256:" + java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes()));
    }

    private JsonNode acquire(String sessionId) {
        HttpResponse<byte[]> r = gw.send("POST", "/v1/sessions", ("{\"pool\":\"echo\",\"sessionId\":\"" + sessionId
                + "\"}").getBytes(), "Content-Type", "application/json");
        assertThat(r.statusCode()).as(new String(r.body())).isIn(200, 201);
        return ProcessGateway.json(r);
    }

    private JsonNode get(String sessionId, String path) {
        HttpResponse<byte[]> r = gw.send("GET", "/v1/sessions/" + sessionId + "/proxy" + path, null);
        assertThat(r.statusCode()).as(new String(r.body())).isEqualTo(200);
        return ProcessGateway.json(r);
    }

    @Test
    void aProcessPoolIsKeptWarmAtMinIdleAndASessionReachesItsProcessThroughTheProxy() {
        gw = new ProcessGateway(dir, echoPool(""));
        assertThat(gw.awaitWarm("echo", 2)).isTrue();
        JsonNode pool = gw.pool("echo");
        assertThat(pool.get("state").asText()).isEqualTo("ok");
        gw.assertOneProcessPerInstance("echo");

        JsonNode session = acquire("s1");
        assertThat(session.get("warm").asBoolean()).isTrue();
        assertThat(session.get("proxyUrl").asText()).endsWith("/v1/sessions/s1/proxy/");
        assertThat(session.has("webSocketDebuggerUrl")).isFalse();
        JsonNode first = get("s1", "/");
        assertThat(first.get("count").asInt()).isEqualTo(1);

        // sticky: the same id is the same instance, the same process
        JsonNode again = acquire("s1");
        assertThat(again.get("instanceId").asText()).isEqualTo(session.get("instanceId").asText());
        JsonNode second = get("s1", "/");
        assertThat(second.get("pid").asLong()).isEqualTo(first.get("pid").asLong());
        assertThat(second.get("count").asInt()).isEqualTo(2);
        // and the pool refills to minIdle warm beside the claimed one
        assertThat(gw.awaitWarm("echo", 2)).isTrue();
        assertThat(gw.pool("echo").get("claimed").asInt()).isEqualTo(1);
    }

    @Test
    void tenMegabytesPassBothWaysAndHopByHopHeadersStayOnTheirHop() throws Exception {
        gw = new ProcessGateway(dir, echoPool(""));
        acquire("big");
        byte[] body = new byte[10 * 1024 * 1024];
        new Random(7).nextBytes(body);
        HttpResponse<byte[]> r = gw.send("POST", "/v1/sessions/big/proxy/echo", body,
                "Content-Type", "application/octet-stream");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body().length).isEqualTo(body.length);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        assertThat(sha.digest(r.body())).isEqualTo(MessageDigest.getInstance("SHA-256").digest(body));

        String answer = gw.raw("GET /v1/sessions/big/proxy/headers?a=1&b=2 HTTP/1.1\r\nHost: gw.example\r\n"
                + "X-App: kept\r\nX-Drop-Me: gone\r\nKeep-Alive: timeout=5\r\nConnection: close, X-Drop-Me\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 200");
        JsonNode seen = ProcessGateway.JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4)).get("headers");
        assertThat(seen.get("x-app").asText()).isEqualTo("kept");
        assertThat(seen.has("x-drop-me")).isFalse();
        assertThat(seen.get("x-forwarded-prefix").asText()).isEqualTo("/v1/sessions/big/proxy");
        assertThat(seen.has("keep-alive")).isFalse();
        assertThat(seen.get("host").asText()).startsWith("127.0.0.1:");
        assertThat(seen.get("x-forwarded-host").asText()).isEqualTo("gw.example");
        JsonNode path = ProcessGateway.json(gw.send("GET", "/v1/sessions/big/proxy/headers?a=1&warmpool-token=x&b=2",
                null));
        assertThat(path.has("path") ? path.get("path").asText() : path.toString()).doesNotContain("warmpool-token");
    }

    @Test
    void anAnswerIsStreamedAsTheProcessWritesIt() throws Exception {
        // the process sends its first line, then waits for /go-on: a proxy that buffered whole answers would hang here
        gw = new ProcessGateway(dir, echoPool(""));
        acquire("st");
        HttpResponse<java.io.InputStream> r = gw.http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(gw.gateway.url() + "/v1/sessions/st/proxy/stream")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(r.body()))) {
            assertThat(lines.readLine()).isEqualTo("first");
            assertThat(gw.send("POST", "/v1/sessions/st/proxy/go-on", null).statusCode()).isEqualTo(200);
            assertThat(lines.readLine()).isEqualTo("last");
            assertThat(lines.readLine()).isNull();
        }
    }

    @Test
    void quickActionsAndCdpOnAProcessPoolAndTheProxyOnUnknownSessionsAnswerClear4xx() {
        gw = new ProcessGateway(dir, echoPool(""));
        acquire("p1");
        HttpResponse<byte[]> quick = gw.send("POST", "/v1/quick/screenshot?pool=echo", "{\"url\":\"http://127.0.0.1/\"}"
                .getBytes(), "Content-Type", "application/json");
        assertThat(quick.statusCode()).isEqualTo(400);
        assertThat(ProcessGateway.json(quick).get("errors").get(0).get("code").asText()).isEqualTo("not_a_browser_pool");
        HttpResponse<byte[]> cdp = gw.send("GET", "/v1/sessions/p1/json/version", null);
        assertThat(cdp.statusCode()).isEqualTo(400);
        assertThat(ProcessGateway.json(cdp).get("errors").get(0).get("code").asText()).isEqualTo("not_a_browser_pool");
        HttpResponse<byte[]> unknown = gw.send("GET", "/v1/sessions/nobody/proxy/", null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(ProcessGateway.json(unknown).get("success").asBoolean()).isFalse();
        HttpResponse<byte[]> tcp = gw.send("GET", "/v1/sessions/p1/tcp", null);
        assertThat(tcp.statusCode()).isBetween(400, 499);
    }

    @Test
    void webSocketsAreRelayedAndATcpTunnelReachesTheProcessPort() throws Exception {
        gw = new ProcessGateway(dir, echoPool(", \"tcp\": true"));
        JsonNode session = acquire("ws1");
        String token = session.get("token").asText();
        String base = "ws://127.0.0.1:" + gw.gateway.port() + "/v1/sessions/ws1";

        Sockets.Recorder echo = new Sockets.Recorder();
        java.net.http.WebSocket ws = gw.http.newWebSocketBuilder()
                .buildAsync(java.net.URI.create(base + "/proxy/ws?warmpool-token=" + token), echo).get(10, SECONDS);
        ws.sendText("hello", true).get(10, SECONDS);
        assertThat(echo.next()).isEqualTo("text:hello");
        byte[] big = new byte[200_000];
        new Random(3).nextBytes(big);
        ws.sendBinary(java.nio.ByteBuffer.wrap(big), true).get(10, SECONDS);
        assertThat(echo.next()).isEqualTo("binary:" + java.util.HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(big)));
        ws.sendClose(1000, "done").get(10, SECONDS);

        Sockets.Recorder tcp = new Sockets.Recorder();
        java.net.http.WebSocket tunnel = gw.http.newWebSocketBuilder()
                .buildAsync(java.net.URI.create(session.get("tcpUrl").asText()), tcp).get(10, SECONDS);
        tunnel.sendBinary(java.nio.ByteBuffer.wrap("GET / HTTP/1.0\r\n\r\n".getBytes()), true).get(10, SECONDS);
        String raw = tcp.untilClosed();
        assertThat(raw).startsWith("HTTP/1.1 200").contains("\"count\": 1");

        // releasing the session closes its sockets (4000) and ends the proxy for it
        Sockets.Recorder held = new Sockets.Recorder();
        gw.http.newWebSocketBuilder().buildAsync(java.net.URI.create(base + "/proxy/ws?warmpool-token=" + token), held)
                .get(10, SECONDS);
        assertThat(gw.send("DELETE", "/v1/sessions/ws1", null).statusCode()).isEqualTo(204);
        assertThat(held.closeCode()).isEqualTo(4000);
        assertThat(gw.send("GET", "/v1/sessions/ws1/proxy/", null).statusCode()).isEqualTo(404);
    }

    @Test
    void withApiKeysOnlyTheOwningTenantReachesTheProcessAndItsKeyIsNotForwarded() throws Exception {
        gw = new ProcessGateway(dir, echoPool(""), """
                "auth": {"tenants": {"a": {"keys": ["%s"]}, "b": {"keys": ["%s"]}}},""".formatted(hash("key-a"),
                hash("key-b")));
        HttpResponse<byte[]> made = gw.send("POST", "/v1/sessions", "{\"pool\":\"echo\",\"sessionId\":\"s\"}".getBytes(),
                "Content-Type", "application/json", "Authorization", "Bearer key-a");
        assertThat(made.statusCode()).as(new String(made.body())).isEqualTo(201);
        assertThat(gw.send("GET", "/v1/sessions/s/proxy/", null, "Authorization", "Bearer key-b").statusCode())
                .isEqualTo(404);
        assertThat(gw.send("GET", "/v1/sessions/s/proxy/", null).statusCode()).isEqualTo(401);
        HttpResponse<byte[]> mine = gw.send("GET", "/v1/sessions/s/proxy/headers", null, "Authorization", "Bearer key-a");
        assertThat(mine.statusCode()).isEqualTo(200);
        assertThat(ProcessGateway.json(mine).get("headers").has("authorization")).isFalse();
        // by the session's token, an Authorization header is the process's own and passes
        String token = ProcessGateway.json(made).get("token").asText();
        HttpResponse<byte[]> byToken = gw.send("GET", "/v1/sessions/s/proxy/headers?warmpool-token=" + token, null,
                "Authorization", "Basic YXBwOnB3");
        assertThat(ProcessGateway.json(byToken).get("headers").get("authorization").asText()).isEqualTo("Basic YXBwOnB3");
    }

    @Test
    void anotherTenantsSessionIsUnknownToTheProxy() {
        // tokens are per tenant and session: a token for another id names nothing
        gw = new ProcessGateway(dir, echoPool(""));
        String token = acquire("mine").get("token").asText();
        acquire("theirs");
        HttpResponse<byte[]> r = gw.send("GET", "/v1/sessions/theirs/proxy/", null, "X-Warmpool-Token", token);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(gw.send("GET", "/v1/sessions/mine/proxy/", null, "X-Warmpool-Token", token).statusCode())
                .isEqualTo(200);
    }
}
