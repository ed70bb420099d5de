package io.warmpool.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static io.warmpool.server.TestGateway.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CDP proxy against a browser that stops reading, and against idle-connection killers: a real gateway process
 * with a small heap, real Chromium frozen with SIGSTOP, a raw WebSocket client.
 */
class DevtoolsProxyBoundsTest {
    private static final long QUEUE_BYTES = 4L << 20;
    private static final int MESSAGE_CHARS = 256 * 1024;
    private static final int FLOOD_MESSAGES = 1536; // 384 MB: three times the gateway's whole heap

    @TempDir
    static Path dir;
    private static GatewayProcess gateway;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        Path config = dir.resolve("config.json");
        Files.writeString(config, """
                {"pools": {"browser": {"minIdle": 1, "maxSize": 2}},
                 "regions": {"weur": {}},  "defaultRegion": "weur",
                 "proxy": {"pingInterval": "PT0.5S", "maxQueuedMessages": 256, "maxQueuedBytes": %d}}"""
                .formatted(QUEUE_BYTES));
        gateway = GatewayProcess.start(dir.resolve("data"), config, "-Xmx128m");
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    private String session(String id) throws Exception {
        assertThat(await(Duration.ofSeconds(90), () -> warm() >= 1)).as("a warm browser").isTrue();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(gateway.url + "/v1/sessions"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"sessionId\":\"" + id + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return TestGateway.JSON.readTree(r.body()).get("webSocketDebuggerUrl").asText();
    }

    private int warm() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(gateway.url + "/v1/pools")).build(),
                    HttpResponse.BodyHandlers.ofString());
            return TestGateway.JSON.readTree(r.body()).get("result").get(0).get("warm").asInt();
        } catch (Exception e) {
            return 0;
        }
    }

    private static void signal(String signal, List<Processes.Proc> procs) throws Exception {
        for (Processes.Proc p : procs) {
            new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void floodingAStoppedBrowserClosesTheClientWith1013AndTheGatewayStaysWithinItsHeap() throws Exception {
        String url = session("flood-1");
        String instance = TestGateway.JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(gateway.url
                + "/v1/sessions/flood-1")).build(), HttpResponse.BodyHandlers.ofString()).body()).get("instanceId").asText();
        try (CdpClient cdp = new CdpClient(url)) {
            assertThat(cdp.call(1, "Browser.getVersion", "{}").has("result")).as("the upstream is open").isTrue();
            List<Processes.Proc> browser = Processes.mentioning(instance).stream()
                    .filter(p -> p.line().contains("chromium")).toList();
            assertThat(browser).isNotEmpty();
            signal("STOP", browser);
            try {
                String filler = "a".repeat(MESSAGE_CHARS);
                long accepted = 0;
                for (int n = 0; n < FLOOD_MESSAGES && !cdp.closeCode.isDone(); n++) {
                    String message = "{\"id\":" + (n + 10) + ",\"method\":\"Runtime.evaluate\",\"params\":{\"expression\":\"'"
                            + filler + "'\"}}";
                    try {
                        cdp.socket().sendText(message, true).get(10, TimeUnit.SECONDS);
                    } catch (Exception sendFailed) {
                        break; // the gateway closed the socket under us, or stopped reading: both end the flood
                    }
                    accepted += message.length();
                }
                int code = cdp.closeCode.get(30, TimeUnit.SECONDS);
                System.out.printf("flood: %d MB accepted before the close %d (flood %d MB, queue bound %d MB, -Xmx128m)%n",
                        accepted >> 20, code, ((long) FLOOD_MESSAGES * MESSAGE_CHARS) >> 20, QUEUE_BYTES >> 20);
                assertThat(code).as("the client is told the browser is not keeping up").isEqualTo(1013);
                assertThat(accepted).as("the gateway stopped taking the flood long before its end")
                        .isLessThan((long) FLOOD_MESSAGES * MESSAGE_CHARS / 4);
            } finally {
                signal("CONT", browser);
            }
        }
        assertThat(gateway.process.isAlive()).as("no OutOfMemoryError in a 128 MB heap").isTrue();
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(gateway.url + "/healthz")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        String log = Files.readString(gatewayLog());
        // two relays carry the socket (gateway to agent, agent to browser), both in this process: the flood may fill
        // either queue or both, and each closes its client once, so each logs once and never once per message
        Map<String, Long> perRelay = log.lines().filter(l -> l.contains(" - closing the client with 1013"))
                .map(l -> l.substring(0, l.indexOf(" - closing the client with 1013")))
                .map(l -> l.substring(l.lastIndexOf(" - ") + 3))
                .collect(Collectors.groupingBy(label -> label, Collectors.counting()));
        assertThat(perRelay).as("the close is logged").isNotEmpty();
        assertThat(perRelay.values()).as("logged once per relayed connection: %s", perRelay).containsOnly(1L);
        assertThat(perRelay.size()).as("one connection per hop at most").isLessThanOrEqualTo(2);
    }

    private static Path gatewayLog() throws Exception {
        try (var files = Files.list(dir.resolve("data"))) {
            return files.filter(f -> f.getFileName().toString().startsWith("gateway-")).findFirst().orElseThrow();
        }
    }

    @Test
    void anIdleClientGetsPingsAndItsOwnPingsAreAnswered() throws Exception {
        String url = session("idle-1");
        AtomicInteger pings = new AtomicInteger();
        CompletableFuture<String> pong = new CompletableFuture<>();
        WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create(url), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
                pings.incrementAndGet();
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
                pong.complete(StandardCharsets.UTF_8.decode(message).toString());
                webSocket.request(1);
                return null;
            }
        }).join();
        try {
            ws.sendPing(ByteBuffer.wrap("are-you-there".getBytes(StandardCharsets.UTF_8))).join();
            assertThat(pong.get(10, TimeUnit.SECONDS)).isEqualTo("are-you-there");
            assertThat(await(Duration.ofSeconds(20), () -> pings.get() >= 2))
                    .as("an idle client is pinged every proxy.pingInterval (0.5 s here)").isTrue();
        } finally {
            ws.abort();
        }
        http.send(HttpRequest.newBuilder(URI.create(gateway.url + "/v1/sessions/idle-1")).DELETE().build(),
                HttpResponse.BodyHandlers.discarding());
    }
}
