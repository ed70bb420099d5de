package io.warmpool.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.warmpool.Instance;
import io.warmpool.core.PoolSettings;
import io.warmpool.protocol.AgentProtocol;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the agent's CDP relay costs: one CDP round trip, sequential, on one session's browser, over three paths that
 * end at the same Chromium, interleaved in each round:
 * <ul>
 *   <li><b>direct</b>: to Chromium's own endpoint (what no client is given; the floor);</li>
 *   <li><b>agent relay</b>: the agent's {@link AgentProtocol#devtools} relay with the secret: one relay hop, as the
 *       gateway's proxy to Chromium was before the agent served CDP;</li>
 *   <li><b>gateway + agent</b>: the session's {@code webSocketDebuggerUrl}, what a client uses now: two relay hops.</li>
 * </ul>
 * Two calls: {@code Browser.getVersion} (a small answer) and {@code Runtime.evaluate} of a {@code --kb} KB string on
 * an attached page (a large one). A local agent (the same code as a remote one) and one warm headless shell.
 * Bounded in count.
 *
 * <pre>
 * java -cp "$CP" io.warmpool.bench.CdpHopBench [--calls 300] [--rounds 3] [--kb 64]
 * </pre>
 */
public final class CdpHopBench {
    private static final Set<String> OPTIONS = Set.of("calls", "rounds", "kb", "headless-shell");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String SECRET = "cdp-hop-bench-secret";

    private CdpHopBench() {
    }

    public static void main(String[] args) throws Exception {
        BenchOptions o = BenchOptions.parse(args, OPTIONS);
        int calls = o.count("calls", 300, 100_000);
        int rounds = o.count("rounds", 3, 50);
        int kb = o.count("kb", 64, 16_384);
        Path shell = Path.of(o.text("headless-shell", "/usr/bin/chromium-headless-shell"));
        Path dir = Files.createTempDirectory("cdp-hop-bench");
        Path secret = Files.writeString(dir.resolve("cluster.secret"), SECRET);
        HttpClient http = HttpClient.newHttpClient();
        System.out.println(MachineInfo.loadAverage());
        try (BenchGateway gw = BenchGateway.start(dir.resolve("data"), shell, List.of(PoolSettings.builder("browser")
                .minIdle(1).maxSize(1).build()), c -> c.withClusterSecretFile(secret))) {
            gw.awaitWarm("browser", 1, Duration.ofSeconds(120));
            HttpResponse<String> acquired = http.send(HttpRequest.newBuilder(URI.create(gw.url() + "/v1/sessions"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"sessionId\":\"hop\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (acquired.statusCode() != 201) {
                throw new IllegalStateException("acquire answered " + acquired.statusCode() + ": " + acquired.body());
            }
            Instance instance = gw.session("hop");
            Map<String, CdpClient> paths = new LinkedHashMap<>();
            paths.put("direct to Chromium", CdpClient.connect(http, URI.create(instance.cdpUrl()), TIMEOUT));
            paths.put("agent relay (1 hop)", CdpClient.connect(http, URI.create(AgentProtocol.webSocketUrl(
                    instance.agentUrl(), AgentProtocol.devtools(instance.id(), "browser"))),
                    Map.of(AgentProtocol.AUTH_HEADER, AgentProtocol.bearer(SECRET)), TIMEOUT));
            paths.put("gateway + agent (2 hops)", CdpClient.connect(http, URI.create(
                    CdpClient.JSON.readTree(acquired.body()).get("webSocketDebuggerUrl").asText()), TIMEOUT));
            TextTable table = new TextTable("round", "call", "path", "n", "p50 ms", "p90 ms", "p50 / direct");
            try {
                Map<CdpClient, String> pages = new LinkedHashMap<>();
                for (CdpClient c : paths.values()) {
                    pages.put(c, attachPage(c));
                }
                String expression = "'x'.repeat(" + kb * 1024 + ")";
                for (int round = 0; round <= rounds; round++) {
                    for (String call : List.of("Browser.getVersion", "Runtime.evaluate " + kb + " KB")) {
                        double direct = 0;
                        for (Map.Entry<String, CdpClient> p : paths.entrySet()) {
                            int n = round == 0 ? 50 : calls; // round 0 warms up (JIT, sockets)
                            long[] nanos = new long[n];
                            for (int i = 0; i < n; i++) {
                                long t0 = System.nanoTime();
                                if (call.startsWith("Browser")) {
                                    p.getValue().call("Browser.getVersion", null, null, TIMEOUT);
                                } else {
                                    JsonNode r = p.getValue().call("Runtime.evaluate", Map.of("expression", expression,
                                            "returnByValue", true), pages.get(p.getValue()), TIMEOUT);
                                    if (r.path("result").path("value").asText().length() != kb * 1024) {
                                        throw new IllegalStateException(p.getKey() + " got a short answer");
                                    }
                                }
                                nanos[i] = System.nanoTime() - t0;
                            }
                            Percentiles pc = Percentiles.of(nanos);
                            if (direct == 0) {
                                direct = pc.p50();
                            }
                            if (round > 0) {
                                table.row(round, call, p.getKey(), n, pc.p50(), pc.ms(0.90), pc.p50() / direct);
                            }
                        }
                    }
                }
            } finally {
                paths.values().forEach(CdpClient::close);
            }
            System.out.println(table);
            System.out.println(MachineInfo.loadAverage());
        } finally {
            http.shutdownNow();
            Cleanup.deleteTree(dir);
        }
    }

    /** A new page target attached in flat mode; its CDP session id. */
    private static String attachPage(CdpClient c) throws java.io.IOException {
        String target = c.call("Target.createTarget", Map.of("url", "about:blank"), null, TIMEOUT).path("targetId").asText();
        return c.call("Target.attachToTarget", Map.of("targetId", target, "flatten", true), null, TIMEOUT)
                .path("sessionId").asText();
    }
}
