package io.warmpool.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.warmpool.protocol.AgentProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The agent serves its browsers' CDP endpoints (real agent, real Chromium, loopback): only to a caller with the
 * secret and the protocol version, checked before the upgrade with the protocol's error codes; the browser and page
 * targets and {@code /json/*} pass through; a reset of the instance closes its relayed connections.
 */
class CdpRelayTest {
    private static final String SECRET = "s3cret-for-the-relay";
    private static final String VERSION = Integer.toString(AgentProtocol.VERSION);

    @TempDir
    Path dataDir;

    @Test
    void theRelayServesOnlyACallerWithTheSecretAndEndsWithTheInstancesSession() throws Exception {
        HttpClient http = HttpClient.newHttpClient(); // shut down, not closed: close() waits for every socket
        try (Agent agent = Agent.start(AgentConfig.fromArgs(Map.of("WARMPOOL_AGENT_SECRET", SECRET), "--agent-id",
                "relay", "--region", "weur", "--zone", "z1", "--port", "0", "--chromium", "/usr/bin/chromium",
                "--headless-shell", "/usr/bin/chromium-headless-shell", "--data-dir", dataDir.toString()))) {
            String base = agent.url().toString().replaceAll("/$", "");
            HttpResponse<String> started = http.send(HttpRequest.newBuilder(URI.create(base + AgentProtocol.INSTANCES))
                    .header(AgentProtocol.AUTH_HEADER, AgentProtocol.bearer(SECRET))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"instanceId\":\"i-1\",\"pool\":\"browser\",\"version\":\"1\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
            String browser = AgentProtocol.webSocketUrl(base, AgentProtocol.devtools("i-1", "browser"));

            assertThat(refusal(http, browser, Map.of())).isEqualTo(401);
            assertThat(refusal(http, browser, Map.of(AgentProtocol.AUTH_HEADER, AgentProtocol.bearer(SECRET + "x"))))
                    .isEqualTo(401);
            assertThat(refusal(http, browser, Map.of(AgentProtocol.AUTH_HEADER, AgentProtocol.bearer(SECRET),
                    AgentProtocol.VERSION_HEADER, "99"))).isEqualTo(400);
            Map<String, String> good = Map.of(AgentProtocol.AUTH_HEADER, AgentProtocol.bearer(SECRET),
                    AgentProtocol.VERSION_HEADER, VERSION);
            assertThat(refusal(http, AgentProtocol.webSocketUrl(base, AgentProtocol.devtools("i-2", "browser")), good))
                    .as("unknown instance").isEqualTo(404);
            assertThat(refusal(http, AgentProtocol.webSocketUrl(base, AgentProtocol.devtools("i-1", "worker/x")), good))
                    .as("no such target").isEqualTo(400);
            assertThat(get(http, base + AgentProtocol.browserJson("i-1", "version"), null).statusCode()).isEqualTo(401);

            HttpResponse<String> version = get(http, base + AgentProtocol.browserJson("i-1", "version"), SECRET);
            assertThat(version.statusCode()).isEqualTo(200);
            assertThat(AgentClient.JSON.readTree(version.body()).path("Browser").asText()).isNotEmpty();

            Socket cdp = Socket.open(http, browser, good);
            JsonNode created = cdp.call("{\"id\":1,\"method\":\"Target.createTarget\",\"params\":{\"url\":\"about:blank\"}}");
            String page = created.path("result").path("targetId").asText();
            assertThat(page).isNotEmpty();
            assertThat(get(http, base + AgentProtocol.browserJson("i-1", "list"), SECRET).body()).contains(page);
            Socket pageSocket = Socket.open(http, AgentProtocol.webSocketUrl(base, AgentProtocol.devtools("i-1",
                    "page/" + page)), good);
            assertThat(pageSocket.call("{\"id\":2,\"method\":\"Runtime.evaluate\",\"params\":{\"expression\":\"6*7\"}}")
                    .path("result").path("result").path("value").asInt()).isEqualTo(42);

            HttpResponse<String> reset = http.send(HttpRequest.newBuilder(URI.create(base + AgentProtocol.reset("i-1")))
                    .header(AgentProtocol.AUTH_HEADER, AgentProtocol.bearer(SECRET))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(reset.statusCode()).as(reset.body()).isEqualTo(200);
            assertThat(cdp.closed.get(10, TimeUnit.SECONDS)).as("the reset ends the earlier session's socket")
                    .isEqualTo(AgentProtocol.CLOSE_SESSION_ENDED);
            assertThat(pageSocket.closed.get(10, TimeUnit.SECONDS)).isEqualTo(AgentProtocol.CLOSE_SESSION_ENDED);
        } finally {
            http.shutdownNow();
        }
    }

    private static int refusal(HttpClient http, String url, Map<String, String> headers) {
        Throwable t = catchThrowable(() -> Socket.open(http, url, headers).ws.abort());
        assertThat(t).as("refused before the upgrade").isNotNull();
        Throwable cause = t.getCause() != null ? t.getCause() : t;
        assertThat(cause).isInstanceOf(WebSocketHandshakeException.class);
        HttpResponse<?> r = ((WebSocketHandshakeException) cause).getResponse();
        assertThat(r.body() == null ? "" : r.body().toString()).satisfiesAnyOf(
                body -> assertThat(body).isEmpty(), body -> assertThat(body).contains("\"success\":false"));
        return r.statusCode();
    }

    private static HttpResponse<String> get(HttpClient http, String url, String secret) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (secret != null) {
            b.header(AgentProtocol.AUTH_HEADER, AgentProtocol.bearer(secret));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A bare CDP client: one call at a time, and how the socket was closed. */
    private static final class Socket implements WebSocket.Listener {
        final LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder text = new StringBuilder();
        private WebSocket ws;

        static Socket open(HttpClient http, String url, Map<String, String> headers) {
            Socket s = new Socket();
            WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
            headers.forEach(b::header);
            s.ws = b.buildAsync(URI.create(url), s).join();
            return s;
        }

        JsonNode call(String message) throws Exception {
            ws.sendText(message, true).join();
            int id = AgentClient.JSON.readTree(message).path("id").asInt();
            while (true) {
                String m = messages.poll(20, TimeUnit.SECONDS);
                assertThat(m).as("an answer to %s", message).isNotNull();
                JsonNode reply = AgentClient.JSON.readTree(m);
                if (reply.path("id").asInt(-1) == id) {
                    return reply;
                }
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                messages.add(text.toString());
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(-1);
        }
    }
}
